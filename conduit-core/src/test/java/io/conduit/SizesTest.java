package io.conduit;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SizesTest
{
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "100, 100",
        "100b, 100",
        "64k, 65536",
        "64K, 65536",
        "64kb, 65536",
        "64KiB, 65536",
        "' 8k ', 8192",
        "16m, 16777216",
        "1g, 1073741824",
        "2047m, 2146435072",
        "2147483647, 2147483647"
    })
    void shouldParseSizes(final String text, final int expectedBytes)
    {
        assertThat(Sizes.parseBytes(text)).isEqualTo(expectedBytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "lots", "1.5m", "12q", "m64"})
    void shouldRejectTextThatIsNotASize(final String text)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Sizes.parseBytes(text))
            .withMessageContaining("invalid size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "2g", "2147483648", "3000000k"})
    void shouldRejectSizesOutOfRange(final String text)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Sizes.parseBytes(text))
            .withMessageContaining("out of range")
            .withMessageContaining(text);
    }
}
