package io.conduit.rpc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.conduit.Conduit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class EchoSmokeTest
{
    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:0", "inproc:echo-smoke"})
    void shouldEcho(final String endpoint) throws Exception
    {
        try (Conduit conduit = Conduit.launch();
            RpcServer server = RpcServer.builder(conduit).endpoint(endpoint)
                .service(EchoService.class, new EchoService.Impl()).build();
            RpcClient client = RpcClient.builder(conduit).endpoint(server.endpoint())
                .defaultDeadline(Duration.ofSeconds(5)).build())
        {
            final EchoService echo = client.proxy(EchoService.class);
            assertThat(echo.echo("hi".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("hi");
            assertThat(echo.echoAsync("yo".getBytes(StandardCharsets.UTF_8)).get()).asString().isEqualTo("yo");
            assertThat(client.proxy(HealthService.class).check("conduit.Echo"))
                .isEqualTo(HealthService.ServingStatus.SERVING);
        }
    }
}
