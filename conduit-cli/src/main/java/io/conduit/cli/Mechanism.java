package io.conduit.cli;

/**
 * One row of {@code conduit demo}: a way for two parties to exchange messages, run for a few seconds and measured
 * like every other row. To add a row, implement this (a {@link MessagingMechanism} covers publish/subscribe over
 * an endpoint URI, an {@link RpcMechanism} calls to an echo service) and list it in {@link Mechanisms#all()}.
 */
interface Mechanism
{
    /**
     * @return the row's name, as printed and as accepted by {@code conduit demo --mechanisms}.
     */
    String name();

    /**
     * Set up what the row needs, such as the peer process or a certificate. The demo prepares every row before it
     * measures any, so that set-up never competes with a measurement.
     *
     * @param run the demo run.
     * @throws RuntimeException when the row cannot run; the demo reports it as the row's failure.
     */
    void prepare(DemoRun run);

    /**
     * Exchange messages as the run's settings say, and measure it.
     *
     * @param run the demo run: settings, the peer process, TLS material.
     * @return the row; a failure is reported in it rather than thrown.
     */
    MechanismResult run(DemoRun run);
}
