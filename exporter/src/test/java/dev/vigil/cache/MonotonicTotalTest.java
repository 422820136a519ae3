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
    void moneyStaysExactWhereSummedDoublesWouldDrift() {
        MonotonicTotal t = new MonotonicTotal();
        t.next(d("0.1"));
        t.next(d("0.2"));
        assertThat(t.next(d("0.1"))).isEqualByComparingTo("0.3"); // 0.2 before the reset, 0.1 after
        double drifting = 0.2 + 0.1;
        assertThat(drifting).isNotEqualTo(0.3);
    }
}
