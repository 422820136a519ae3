package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MonotonicTotalTest {
    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void growsWithTheApplicationsCounterAndCarriesOnAcrossResets() {
        MonotonicTotal t = new MonotonicTotal();
        assertThat(t.next(d("100"))).isEqualByComparingTo("100");
        assertThat(t.next(d("100"))).isEqualByComparingTo("100");
        assertThat(t.next(d("130"))).isEqualByComparingTo("130");
        assertThat(t.next(d("0"))).isEqualByComparingTo("130");   // reset to zero
        assertThat(t.next(d("5"))).isEqualByComparingTo("135");
        assertThat(t.next(d("2"))).isEqualByComparingTo("137");   // reset again, 2 counted since
    }

    @Test
    void moneyIsSummedExactlyAcrossResets() {
        // saved_usd as HINCRBYFLOAT leaves it: a cent at a time, reset to zero every 100 cents.
        MonotonicTotal t = new MonotonicTotal();
        BigDecimal last = BigDecimal.ZERO;
        for (int cents = 1; cents <= 1000; cents++) {
            last = t.next(BigDecimal.valueOf(cents % 100 == 0 ? 100 : cents % 100, 2));
            if (cents % 100 == 0) {
                t.next(BigDecimal.ZERO);
            }
        }
        assertThat(last).isEqualTo(new BigDecimal("10.00")); // equals: value and scale, not merely close
    }
}
