package io.repobox.agent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesTheFormsPeopleWrite() {
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse(" PT45S ")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void rejectsOtherTextWithAMessageShowingTheForms() {
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'soon' is not a duration; write seconds (90) or a value with a unit (1500ms, 30s, 10m, 2h, 1h30m)");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("10 m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsForAPerson() {
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(2500))).isEqualTo("2.5s");
        assertThat(Durations.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Durations.format(Duration.ofMinutes(30))).isEqualTo("30m");
        assertThat(Durations.format(Duration.ofSeconds(123))).isEqualTo("2m 3s");
        assertThat(Durations.format(Duration.ofMinutes(65))).isEqualTo("1h 5m");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
    }
}
