package dev.veil.core.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data classes one policy knows: the built-in ones followed by the classes it defines. */
public final class ClassTable {
    private final List<DataClass> all;
    private final Map<String, DataClass> byName;

    ClassTable(List<String> customNames) {
        List<DataClass> list = new ArrayList<>(DataClass.BUILT_IN);
        Map<String, DataClass> map = new LinkedHashMap<>();
        for (DataClass c : DataClass.BUILT_IN) {
            map.put(c.name(), c);
        }
        for (String n : customNames) {
            DataClass c = new DataClass(n, list.size());
            list.add(c);
            map.put(n, c);
        }
        map.put(DataClass.NONE.name(), DataClass.NONE);
        this.all = Collections.unmodifiableList(list);
        this.byName = Collections.unmodifiableMap(map);
    }

    /** Every class with an action slot, in id order (NONE excluded). */
    public List<DataClass> classes() {
        return all;
    }

    public int size() {
        return all.size();
    }

    /** The class of that name (NONE included), or null. */
    public DataClass get(String name) {
        return byName.get(name);
    }
}
