package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every link between the repository's Markdown files reaches a file that exists and, with a {@code #fragment},
 * a heading of it (as GitHub names heading anchors), so moving a section cannot leave a link behind.
 */
class DocumentLinksTest {
    private static final Pattern LINK = Pattern.compile("]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

    @Test
    void everyRelativeLinkReachesAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> documents = markdownFiles();
        assertThat(documents).contains(ExternalTool.repoRoot().resolve("docs/metrics.md"));
        for (Path document : documents) {
            Matcher m = LINK.matcher(Files.readString(document));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not this repository's
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    broken.add(document + ": " + link + " (no such file)");
                } else if (hash >= 0 && target.toString().endsWith(".md") && !anchors(target).contains(link.substring(hash + 1))) {
                    broken.add(document + ": " + link + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    private static List<Path> markdownFiles() throws IOException {
        Path root = ExternalTool.repoRoot();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> Stream.of("node_modules", "target", ".git").noneMatch(dir -> root.relativize(f).toString().contains(dir)))
                    .sorted().toList();
        }
    }

    /** GitHub's anchors: lower case, punctuation but '-' and '_' dropped, spaces as '-', "-1" etc. for repeats. */
    private static Set<String> anchors(Path document) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        try {
            for (String line : Files.readAllLines(document)) {
                if (line.startsWith("```")) {
                    fenced = !fenced;
                }
                Matcher m = HEADING.matcher(line);
                if (fenced || !m.matches()) {
                    continue;
                }
                String anchor = m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
                int n = seen.merge(anchor, 1, Integer::sum) - 1;
                out.add(n == 0 ? anchor : anchor + "-" + n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
