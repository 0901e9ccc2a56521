package dev.veil.core.policy;

import java.util.List;
import java.util.Map;

/** One audience's view: who may read it and what happens to each class. {@code defaultAction} covers the rest. */
public record SegmentSpec(String name, List<String> principals, Map<DataClass, ActionSpec> actions,
                          ActionSpec defaultAction, Location location) {
    /** The action this segment applies to a class. */
    public ActionSpec actionFor(DataClass c) {
        ActionSpec a = actions.get(c);
        return a != null ? a : defaultAction;
    }
}
