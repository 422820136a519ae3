/**
 * LLM spend: one ledger that every ingest path feeds.
 * <ul>
 *   <li>this package: the ledger ({@link dev.vigil.llm.UsageLedger}), what it adds up
 *       ({@link dev.vigil.llm.UsageEvent}, {@link dev.vigil.llm.Tokens}), its families and collector, the polled
 *       feed and the wiring ({@link dev.vigil.llm.LlmSpend});</li>
 *   <li>{@code push}: the push endpoint and its JSON;</li>
 *   <li>{@code redis}: usage counters an application increments in Redis;</li>
 *   <li>{@code sql}: rows of a SQL usage ledger;</li>
 *   <li>{@code api}: the OpenAI and Anthropic usage reports;</li>
 *   <li>{@code price}: the price table that turns tokens into dollars.</li>
 * </ul>
 * Each ingest path turns its input into usage events and imports only this package; none imports another.
 */
package dev.vigil.llm;
