package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.protocol.Finding.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Answer of the doctor op, and the one place that turns findings into the health that status
 * reports: status and doctor can never disagree.
 *
 * @param findings one per check, or per check and forward for the checks that look at forwards
 * @param summary how many findings of each severity
 */
public record DoctorReport(List<Finding> findings, Summary summary) implements JsonWritable {
    /** Health words of the status op. */
    public static final String OK = "ok";

    public static final String DEGRADED = "degraded";
    public static final String FAILED = "failed";

    /** Counts by severity. */
    public record Summary(int ok, int warning, int error, int unchecked) implements JsonWritable {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeNumberField("ok", ok);
            out.writeNumberField("warning", warning);
            out.writeNumberField("error", error);
            out.writeNumberField("unchecked", unchecked);
            out.writeEndObject();
        }

        /** "7 ok, 1 warning, 2 errors", and ", 1 unchecked" when a check could not be made. */
        public String line() {
            return ok + " ok, " + plural(warning, "warning") + ", " + plural(error, "error")
                    + (unchecked == 0 ? "" : ", " + unchecked + " unchecked");
        }

        private static String plural(int count, String word) {
            return count + " " + word + (count == 1 ? "" : "s");
        }
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        JsonWriting.objects(out, "findings", findings);
        JsonWriting.object(out, "summary", summary);
        out.writeEndObject();
    }

    /** The record from a doctor reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static DoctorReport read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "doctor reply");
        List<Finding> findings = new ArrayList<>();
        for (ReplyFields finding : fields.objects("findings")) {
            findings.add(Finding.read(finding));
        }
        ReplyFields summary = fields.object("summary");
        return new DoctorReport(
                findings,
                new Summary(
                        summary.count("ok"),
                        summary.count("warning"),
                        summary.count("error"),
                        summary.count("unchecked")));
    }

    public DoctorReport {
        findings = List.copyOf(findings);
    }

    public static DoctorReport of(List<Finding> findings) {
        int[] counts = new int[Severity.values().length];
        findings.forEach(f -> counts[f.severity().ordinal()]++);
        return new DoctorReport(
                findings,
                new Summary(
                        counts[Severity.OK.ordinal()],
                        counts[Severity.WARNING.ordinal()],
                        counts[Severity.ERROR.ordinal()],
                        counts[Severity.UNCHECKED.ordinal()]));
    }

    /**
     * failed when the agent refuses changes (its state is untrusted), degraded when any check found
     * an error or warning, else ok (an unchecked finding is not a fault found).
     */
    public String health() {
        if (findings.stream()
                .anyMatch(f -> f.severity() == Severity.ERROR && f.check().equals(Finding.STATE))) {
            return FAILED;
        }
        return summary.error() + summary.warning() > 0 ? DEGRADED : OK;
    }

    /**
     * Empty when ok; else the first of the worst findings and the summary, e.g. "ip_forward:
     * net.ipv4.ip_forward is 0: ... (6 ok, 0 warnings, 1 error: natctl doctor lists them)".
     */
    public String healthMessage() {
        Severity worst = summary.error() > 0 ? Severity.ERROR : summary.warning() > 0 ? Severity.WARNING : Severity.OK;
        if (worst == Severity.OK) {
            return "";
        }
        Finding first =
                findings.stream().filter(f -> f.severity() == worst).findFirst().orElseThrow();
        return first.check() + ": " + first.message() + " (" + summary.line() + ": natctl doctor lists them)";
    }
}
