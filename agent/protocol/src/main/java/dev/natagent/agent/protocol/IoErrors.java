package dev.natagent.agent.protocol;

import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

/**
 * What went wrong in an I/O failure, in words for an operator: the JDK's messages are a bare path
 * (NoSuchFileException), or carry a Java class name when wrapped; neither says anything to a user.
 */
public final class IoErrors {
    /** A wrapped exception's message starts with its class name: "java.io.IOException: Is a directory". */
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?::\\s*|$)");

    private IoErrors() {}

    /** The reason alone, e.g. "No such file or directory", "is a directory", "Permission denied". */
    public static String reason(Throwable failure) {
        if (failure instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (failure instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (failure instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (failure instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (failure instanceof UnknownHostException) {
            // "redis.example: Name or service not known", or the bare name when the resolver said no more.
            String message = failure.getMessage();
            int colon = message == null ? -1 : message.indexOf(": ");
            return colon < 0 ? "Name or service not known" : message.substring(colon + 2);
        }
        if (failure instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        String message = failure.getMessage();
        while (message != null && CLASS_PREFIX.matcher(message).find()) {
            message = CLASS_PREFIX.matcher(message).replaceFirst("");
        }
        if (message == null || message.isBlank()) {
            return failure.getCause() != null && failure.getCause() != failure
                    ? reason(failure.getCause())
                    : failure instanceof java.io.IOException ? "Input/output error" : "unexpected error";
        }
        return message;
    }
}
