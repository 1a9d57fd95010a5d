package dev.natagent.agent.cli;

import dev.natagent.agent.model.Cidr;
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
    private ModelConverters() {}

    private static <T> T convert(String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (ValidationException e) {
            throw new TypeConversionException(e.first().message());
        }
    }

    static final class PortRangeConverter implements ITypeConverter<PortRange> {
        @Override
        public PortRange convert(String value) {
            return ModelConverters.convert(value, PortRange::parse);
        }
    }

    static final class TargetConverter implements ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            return ModelConverters.convert(value, Target::parse);
        }
    }

    static final class ProtocolConverter implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            return ModelConverters.convert(value, Protocol::parse);
        }
    }

    static final class CidrConverter implements ITypeConverter<Cidr> {
        @Override
        public Cidr convert(String value) {
            return ModelConverters.convert(value, Cidr::parse);
        }
    }

    static final class ReturnPathConverter implements ITypeConverter<ReturnPath> {
        @Override
        public ReturnPath convert(String value) {
            return ModelConverters.convert(value, ReturnPath::parse);
        }
    }
}
