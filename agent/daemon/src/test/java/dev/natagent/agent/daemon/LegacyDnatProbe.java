package dev.natagent.agent.daemon;

import dev.natagent.agent.service.Doctor.ForeignRule;
import java.io.IOException;

/** Prints what {@link LegacyForeignDnat} reads, one rule a line, so a test can run it with reduced capabilities. */
public final class LegacyDnatProbe {
    private LegacyDnatProbe() {}

    public static void main(String[] args) {
        try {
            for (ForeignRule rule : new LegacyForeignDnat().rules()) {
                System.out.println(rule.where() + " | "
                        + rule.protocol().map(Object::toString).orElse("any") + " | " + rule.ports());
            }
        } catch (IOException e) {
            System.out.println("unreadable: " + e.getMessage());
        }
    }
}
