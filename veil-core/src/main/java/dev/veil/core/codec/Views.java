package dev.veil.core.codec;

/**
 * One record as each segment sees it, in plan segment order. Reused by its masker: valid until the next
 * call. A segment whose view is {@link #dropped} gets nothing for this record.
 */
public final class Views {
    final byte[][] arrays;
    final int[] offsets;
    final int[] lengths;
    final boolean[] dropped;
    final boolean[] changed;

    /** Views of {@code segments} segments, filled by a codec with {@link #set} and {@link #drop}. */
    public Views(int segments) {
        arrays = new byte[segments][];
        offsets = new int[segments];
        lengths = new int[segments];
        dropped = new boolean[segments];
        changed = new boolean[segments];
    }

    public int size() {
        return arrays.length;
    }

    public boolean dropped(int segment) {
        return dropped[segment];
    }

    /** Whether the view differs from the input record. */
    public boolean changed(int segment) {
        return changed[segment];
    }

    public byte[] array(int segment) {
        return arrays[segment];
    }

    public int offset(int segment) {
        return offsets[segment];
    }

    public int length(int segment) {
        return lengths[segment];
    }

    /** Replaces the view of {@code segment} with view {@code from} of {@code other} (valid as long as that one is). */
    public void override(int segment, Views other, int from) {
        arrays[segment] = other.arrays[from];
        offsets[segment] = other.offsets[from];
        lengths[segment] = other.lengths[from];
        dropped[segment] = other.dropped[from];
        changed[segment] = other.changed[from];
    }

    /** Replaces the view of {@code segment} with {@code bytes}. */
    public void override(int segment, byte[] bytes) {
        arrays[segment] = bytes;
        offsets[segment] = 0;
        lengths[segment] = bytes.length;
        dropped[segment] = false;
        changed[segment] = true;
    }

    /** Sets the view of {@code segment} to {@code length} bytes of {@code array} from {@code offset}. */
    public void set(int segment, byte[] array, int offset, int length, boolean changed) {
        arrays[segment] = array;
        offsets[segment] = offset;
        lengths[segment] = length;
        dropped[segment] = false;
        this.changed[segment] = changed;
    }

    /** The segment gets nothing for this record. */
    public void drop(int segment) {
        dropped[segment] = true;
        changed[segment] = true;
    }

    /** Whether view {@code segment} has the same bytes as view {@code from} of {@code other}. */
    public boolean sameAs(int segment, Views other, int from) {
        if (dropped[segment] || other.dropped[from]) {
            return dropped[segment] == other.dropped[from];
        }
        return java.util.Arrays.equals(arrays[segment], offsets[segment], offsets[segment] + lengths[segment],
                other.arrays[from], other.offsets[from], other.offsets[from] + other.lengths[from]);
    }

    /** A copy of the view's bytes (null when dropped). */
    public byte[] toBytes(int segment) {
        if (dropped[segment]) {
            return null;
        }
        byte[] out = new byte[lengths[segment]];
        System.arraycopy(arrays[segment], offsets[segment], out, 0, lengths[segment]);
        return out;
    }
}
