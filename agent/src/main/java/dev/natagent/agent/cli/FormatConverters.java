package dev.natagent.agent.cli;

import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.api.MetricsFormat;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters and completion candidates for the --format options (wire names, lower case). */
final class FormatConverters {
    private FormatConverters() {}

    static final class Export implements ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            return ExportFormat.fromWireName(value)
                    .orElseThrow(() -> new TypeConversionException("choose json, nft or iptables"));
        }
    }

    static final class ExportNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ExportFormat.values())
                    .map(ExportFormat::wireName)
                    .iterator();
        }
    }

    static final class Metrics implements ITypeConverter<MetricsFormat> {
        @Override
        public MetricsFormat convert(String value) {
            return MetricsFormat.fromWireName(value)
                    .orElseThrow(() -> new TypeConversionException("choose json or prometheus"));
        }
    }

    static final class MetricsNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(MetricsFormat.values())
                    .map(MetricsFormat::wireName)
                    .iterator();
        }
    }
}
