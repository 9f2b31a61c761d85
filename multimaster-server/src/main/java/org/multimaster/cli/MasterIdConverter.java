package org.multimaster.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a master id argument, with a message that says what an id looks like. */
final class MasterIdConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a master id; an id is an integer, as 'multimaster list' shows it");
        }
    }
}
