package dev.natagent.agent.cli;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters that parse option values with the model's own parsers (one set of rules). */
final class ModelConverters {
    static final ITypeConverter<PortRange> PORT_RANGE = of(PortRange::parse);
    static final ITypeConverter<Target> TARGET = of(Target::parse);
    static final ITypeConverter<Protocol> PROTOCOL = of(Protocol::parse);
    static final ITypeConverter<Cidr> CIDR = of(Cidr::parse);
    static final ITypeConverter<ReturnPath> RETURN_PATH = of(ReturnPath::parse);
    static final ITypeConverter<ClusterEngine> ENGINE = of(ClusterEngine::parse);
    static final ITypeConverter<Ipv4> ADDRESS = of(Ipv4::parseUnicast);

    private ModelConverters() {}

    /** The model's first validation error becomes picocli's "Invalid value for option" message. */
    private static <T> ITypeConverter<T> of(Function<String, T> parser) {
        return value -> {
            try {
                return parser.apply(value);
            } catch (ValidationException e) {
                throw new TypeConversionException(e.first().message());
            }
        };
    }
}
