package dev.natagent.agent.metrics;

import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/**
 * A labelled gauge family read at render time: one sample per row of a snapshot, named
 * {@code registryName.label}. Registering one Dropwizard gauge per label value instead would keep,
 * at 50,000 forwards, 150,000 gauges and their names on the heap for the daemon's lifetime.
 *
 * @param registryName the name a registered gauge of this family would have, without the label
 * @param rows label value to row, in output order
 * @param value the sample of a row, given its label value and the row
 */
public record LabelledGauges<T>(String registryName, Map<String, T> rows, ToDoubleBiFunction<String, T> value) {}
