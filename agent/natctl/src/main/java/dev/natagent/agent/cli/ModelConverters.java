package dev.natagent.agent.cli;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters that parse option values with the model's own parsers (one set of rules).
 * Classes, not lambdas or method references: each call site linked costs natctl start-up time.
 */
final class ModelConverters {
    static final ITypeConverter<PortRange> PORT_RANGE = new ModelConverter<>() {
        @Override
        PortRange parse(String value) {
            return PortRange.parse(value);
        }
    };
    static final ITypeConverter<Target> TARGET = new ModelConverter<>() {
        @Override
        Target parse(String value) {
            return Target.parse(value);
        }
    };
    static final ITypeConverter<Protocol> PROTOCOL = new ModelConverter<>() {
        @Override
        Protocol parse(String value) {
            return Protocol.parse(value);
        }
    };
    static final ITypeConverter<Cidr> CIDR = new ModelConverter<>() {
        @Override
        Cidr parse(String value) {
            return Cidr.parse(value);
        }
    };
    static final ITypeConverter<ReturnPath> RETURN_PATH = new ModelConverter<>() {
        @Override
        ReturnPath parse(String value) {
            return ReturnPath.parse(value);
        }
    };
    static final ITypeConverter<ClusterEngine> ENGINE = new ModelConverter<>() {
        @Override
        ClusterEngine parse(String value) {
            return ClusterEngine.parse(value);
        }
    };
    static final ITypeConverter<Ipv4> ADDRESS = new ModelConverter<>() {
        @Override
        Ipv4 parse(String value) {
            return Ipv4.parseUnicast(value);
        }
    };

    private ModelConverters() {}

    /** The model's first validation error becomes picocli's "Invalid value for option" message. */
    private abstract static class ModelConverter<T> implements ITypeConverter<T> {
        abstract T parse(String value);

        @Override
        public final T convert(String value) {
            try {
                return parse(value);
            } catch (ValidationException e) {
                throw new TypeConversionException(e.first().message());
            }
        }
    }
}
