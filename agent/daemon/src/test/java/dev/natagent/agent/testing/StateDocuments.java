package dev.natagent.agent.testing;

/** State documents (the JSON that apply takes) of any size, for the chunked-apply tests. */
public final class StateDocuments {
    private StateDocuments() {}

    /**
     * {@code count} forwards f0, f1, ... on tcp ports 10000 + i, each to its own literal target in
     * 10.0.1.0/24, every 1,000th with an allow-list (the shape of the benchmark's states: the kernel
     * takes an allow-list element far more slowly than a map element). ~60 characters a forward,
     * so 50,000 make ~3 MB.
     */
    public static String forwards(int count) {
        StringBuilder json = new StringBuilder(90 * count + 40).append("{\"schema_version\":1,\"forwards\":[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"name\":\"f")
                    .append(i)
                    .append("\",\"listen\":\"")
                    .append(10_000 + i)
                    .append("\",\"to\":[\"10.0.1.")
                    .append(1 + i % 200)
                    .append(':')
                    .append(1_000 + i / 200)
                    .append(i % 1_000 == 0 ? "\"],\"allow\":[\"198.51.100.0/24\"]}" : "\"]}");
        }
        return json.append("]}").toString();
    }
}
