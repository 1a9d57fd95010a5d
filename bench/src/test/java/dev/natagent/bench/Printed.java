package dev.natagent.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a harness's {@code main} prints to standard output, where the scripts read its figures. */
public final class Printed {
    /** A harness call that may throw anything its {@code main} does. */
    public interface Call {
        void run() throws Exception;
    }

    private Printed() {}

    /** Runs {@code call} with System.out captured (the harnesses print nowhere else). */
    public static synchronized String by(Call call) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        original.print(printed);
        return printed;
    }
}
