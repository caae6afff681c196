package io.conduit;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndpointTest
{
    @Test
    void shouldParseTcpHostAndPort()
    {
        final Endpoint endpoint = Endpoint.parse("tcp://192.168.1.7:9000");

        assertThat(endpoint.scheme()).isEqualTo(Endpoint.Scheme.TCP);
        assertThat(endpoint.host()).isEqualTo("192.168.1.7");
        assertThat(endpoint.port()).isEqualTo(9000);
        assertThat(endpoint.name()).isNull();
        assertThat(endpoint.options()).isEmpty();
        assertThat(endpoint.address()).isEqualTo("tcp://192.168.1.7:9000");
        assertThat(endpoint.toString()).isEqualTo("tcp://192.168.1.7:9000");
    }

    @Test
    void shouldParseHostName()
    {
        final Endpoint endpoint = Endpoint.parse("tcp://localhost:1");

        assertThat(endpoint.host()).isEqualTo("localhost");
        assertThat(endpoint.port()).isEqualTo(1);
    }

    @Test
    void shouldParseBracketedIpv6Host()
    {
        final Endpoint endpoint = Endpoint.parse("tcp://[::1]:9000");

        assertThat(endpoint.host()).isEqualTo("::1");
        assertThat(endpoint.port()).isEqualTo(9000);
        assertThat(endpoint.address()).isEqualTo("tcp://[::1]:9000");
    }

    @Test
    void shouldDefaultToLoopbackWhenHostIsEmpty()
    {
        final Endpoint endpoint = Endpoint.parse("tcp://:9000");

        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        assertThat(endpoint.port()).isEqualTo(9000);
    }

    @Test
    void shouldAcceptPortZeroForEphemeralBind()
    {
        assertThat(Endpoint.parse("tcp://127.0.0.1:0").port()).isZero();
    }

    @Test
    void shouldParseUdpUnicastAndMulticastWithOptions()
    {
        final Endpoint unicast = Endpoint.parse("udp://127.0.0.1:40123?reliable=false&mtu=1408");
        final Endpoint multicast = Endpoint.parse("udp://239.1.2.3:40124?interface=127.0.0.1&ttl=1");

        assertThat(unicast.scheme()).isEqualTo(Endpoint.Scheme.UDP);
        assertThat(unicast.booleanOption("reliable", true)).isFalse();
        assertThat(unicast.sizeOption("mtu", 0)).isEqualTo(1408);
        assertThat(multicast.host()).isEqualTo("239.1.2.3");
        assertThat(multicast.option("interface", null)).isEqualTo("127.0.0.1");
        assertThat(multicast.options()).containsExactly(Map.entry("interface", "127.0.0.1"), Map.entry("ttl", "1"));
    }

    @Test
    void shouldParseNamedSchemes()
    {
        final Endpoint shm = Endpoint.parse("shm:orders");
        final Endpoint inproc = Endpoint.parse("inproc:a.b_c-9");

        assertThat(shm.scheme()).isEqualTo(Endpoint.Scheme.SHM);
        assertThat(shm.name()).isEqualTo("orders");
        assertThat(shm.host()).isNull();
        assertThat(shm.port()).isEqualTo(-1);
        assertThat(shm.address()).isEqualTo("shm:orders");
        assertThat(inproc.scheme()).isEqualTo(Endpoint.Scheme.INPROC);
        assertThat(inproc.name()).isEqualTo("a.b_c-9");
    }

    @Test
    void shouldTreatSchemeCaseInsensitively()
    {
        assertThat(Endpoint.parse("TCP://127.0.0.1:5").scheme()).isEqualTo(Endpoint.Scheme.TCP);
    }

    @Test
    void shouldParseSizeOptionsWithSuffixes()
    {
        final Endpoint endpoint = Endpoint.parse("inproc:sized?capacity=64k");

        assertThat(endpoint.sizeOption("capacity", 0)).isEqualTo(64 * 1024);
        assertThat(Endpoint.parse("shm:big?capacity=16m").sizeOption("capacity", 0)).isEqualTo(16 << 20);
        assertThat(endpoint.sizeOption("absent", 77)).isEqualTo(77);
    }

    @Test
    void shouldParseBooleanOptions()
    {
        assertThat(Endpoint.parse("tcp://127.0.0.1:1?tls=true").booleanOption("tls", false)).isTrue();
        assertThat(Endpoint.parse("tcp://127.0.0.1:1?tls=FALSE").booleanOption("tls", true)).isFalse();
        assertThat(Endpoint.parse("tcp://127.0.0.1:1?tls").booleanOption("tls", false)).isTrue();
        assertThat(Endpoint.parse("tcp://127.0.0.1:1").booleanOption("tls", false)).isFalse();
    }

    @Test
    void shouldRejectInvalidBooleanOptionNamingIt()
    {
        final Endpoint endpoint = Endpoint.parse("tcp://127.0.0.1:1?tls=maybe");

        assertThatIllegalArgumentException()
            .isThrownBy(() -> endpoint.booleanOption("tls", false))
            .withMessageContaining("tls=maybe");
    }

    @Test
    void shouldRejectInvalidSizeOptionNamingIt()
    {
        final Endpoint endpoint = Endpoint.parse("inproc:x?capacity=lots");

        assertThatIllegalArgumentException()
            .isThrownBy(() -> endpoint.sizeOption("capacity", 0))
            .withMessageContaining("capacity=lots");
    }

    @Test
    void shouldRejectUnknownSchemeNamingIt()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse("http://127.0.0.1:80"))
            .withMessageContaining("unknown scheme")
            .withMessageContaining("scheme=http");
    }

    @Test
    void shouldRejectUnknownOptionNamingOptionAndScheme()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse("tcp://127.0.0.1:9000?reliable=false"))
            .withMessageContaining("unknown option")
            .withMessageContaining("option=reliable")
            .withMessageContaining("scheme=tcp");
    }

    @Test
    void shouldRejectDuplicateOptionNamingIt()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse("tcp://127.0.0.1:9000?tls=true&tls=false"))
            .withMessageContaining("option=tls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:abc", "tcp://127.0.0.1:", "tcp://127.0.0.1:-1"})
    void shouldRejectNonNumericPortNamingUri(final String uri)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse(uri))
            .withMessageContaining("port")
            .withMessageContaining(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:65536", "udp://127.0.0.1:99999"})
    void shouldRejectPortOutOfRange(final String uri)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse(uri))
            .withMessageContaining("port out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1", "tcp://[::1]", "udp://host"})
    void shouldRejectMissingPort(final String uri)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse(uri))
            .withMessageContaining("no port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp:127.0.0.1:9000", "tcp://127.0.0.1:9000/path", "udp:"})
    void shouldRejectMalformedNetworkAddress(final String uri)
    {
        assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse(uri));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc:", "inproc:has space", "shm://orders", "shm:a/b"})
    void shouldRejectInvalidNames(final String uri)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Endpoint.parse(uri))
            .withMessageContaining(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "orders", ":9000"})
    void shouldRejectEndpointWithoutScheme(final String uri)
    {
        assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse(uri));
    }

    @Test
    void shouldRejectNull()
    {
        assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse(null));
    }

    @Test
    void shouldReplacePortKeepingOptions()
    {
        final Endpoint bound = Endpoint.parse("tcp://127.0.0.1:0?tls=true").withPort(40001);

        assertThat(bound.port()).isEqualTo(40001);
        assertThat(bound.host()).isEqualTo("127.0.0.1");
        assertThat(bound.booleanOption("tls", false)).isTrue();
        assertThat(Endpoint.parse(bound.toString())).isEqualTo(bound);
    }

    @Test
    void shouldReplacePortOfIpv6Endpoint()
    {
        final Endpoint bound = Endpoint.parse("tcp://[::1]:0").withPort(40002);

        assertThat(bound.toString()).isEqualTo("tcp://[::1]:40002");
        assertThat(Endpoint.parse(bound.toString()).host()).isEqualTo("::1");
    }

    @Test
    void shouldBeEqualByUri()
    {
        assertThat(Endpoint.parse("inproc:a")).isEqualTo(Endpoint.parse("inproc:a")).hasSameHashCodeAs(
            Endpoint.parse("inproc:a"));
        assertThat(Endpoint.parse("inproc:a")).isNotEqualTo(Endpoint.parse("inproc:b"));
    }

    @Test
    void shouldListOptionsEachSchemeAccepts()
    {
        assertThat(Endpoint.Scheme.TCP.options()).contains("tls", "listen");
        assertThat(Endpoint.Scheme.UDP.options()).contains("reliable", "interface", "mtu");
        assertThat(Endpoint.Scheme.TCP.isNetwork()).isTrue();
        assertThat(Endpoint.Scheme.SHM.isNetwork()).isFalse();
    }
}
