package io.conduit;

/**
 * The one unchecked exception Conduit throws. Messages follow the form {@code what: key=value, key=value}.
 */
public class ConduitException extends RuntimeException
{
    /** How serious an error is. */
    public enum Category
    {
        /** The component cannot continue and must be closed. */
        FATAL,
        /** The operation failed; the component keeps working. */
        ERROR,
        /** Something unexpected happened but the operation went on. */
        WARN
    }

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Category category;

    /**
     * @param code     what went wrong, as carried on the wire.
     * @param category how serious it is.
     * @param message  {@code what: key=value} description.
     */
    public ConduitException(final ErrorCode code, final Category category, final String message)
    {
        this(code, category, message, null);
    }

    /**
     * @param code     what went wrong, as carried on the wire.
     * @param category how serious it is.
     * @param message  {@code what: key=value} description.
     * @param cause    the underlying failure, if any.
     */
    public ConduitException(final ErrorCode code, final Category category, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = code;
        this.category = category;
    }

    /**
     * @param code    what went wrong.
     * @param message {@code what: key=value} description.
     */
    public ConduitException(final ErrorCode code, final String message)
    {
        this(code, Category.ERROR, message, null);
    }

    /**
     * @param code    what went wrong.
     * @param message {@code what: key=value} description.
     * @param cause   the underlying failure.
     */
    public ConduitException(final ErrorCode code, final String message, final Throwable cause)
    {
        this(code, Category.ERROR, message, cause);
    }

    /**
     * @return the error code.
     */
    public ErrorCode code()
    {
        return code;
    }

    /**
     * @return how serious the error is.
     */
    public Category category()
    {
        return category;
    }
}
