package io.conduit.rpc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service method as safe to run more than once: the client may retry it, on another endpoint, when a
 * call fails with {@link Status#UNAVAILABLE}, following its {@link RetryPolicy}. Methods without it are never
 * retried.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent
{
}
