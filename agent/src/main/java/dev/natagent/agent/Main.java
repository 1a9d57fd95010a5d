package dev.natagent.agent;

/** Placeholder entry point; replaced by the daemon. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("nat-agent");
    }
}
