package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.protocol.MetricsFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters and completion candidates for the --format options (wire names, lower case). */
final class FormatConverters {
    static final ITypeConverter<ExportFormat> EXPORT = value -> ExportFormat.fromWireName(value)
            .orElseThrow(() -> new TypeConversionException("choose json, nft or iptables"));
    static final List<String> EXPORT_NAMES = wireNames(ExportFormat.values(), ExportFormat::wireName);

    static final ITypeConverter<MetricsFormat> METRICS = value -> MetricsFormat.fromWireName(value)
            .orElseThrow(() -> new TypeConversionException("choose json or prometheus"));
    static final List<String> METRICS_NAMES = wireNames(MetricsFormat.values(), MetricsFormat::wireName);

    private FormatConverters() {}

    private static <E> List<String> wireNames(E[] formats, Function<E, String> wireName) {
        List<String> names = new ArrayList<>();
        for (E format : formats) {
            names.add(wireName.apply(format));
        }
        return List.copyOf(names);
    }
}
