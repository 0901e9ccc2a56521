package dev.veil.core.policy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.veil.core.codec.JsonText;
import dev.veil.core.policy.YamlNodes.At;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a policy file into a validated {@link Policy}, reporting every problem at once with file, line,
 * column and key. Unknown keys are errors: a typo must never silently disable masking.
 */
public final class PolicyLoader {
    /** The format versions this build reads. */
    public static final int FORMAT_VERSION = 1;
    /** Formats a stream may declare. */
    public static final List<String> FORMATS = List.of("json", "avro", "protobuf", "csv", "text");
    /** Action names of the policy format. */
    public static final List<String> ACTIONS = List.of("redact", "mask", "hash", "tokenize", "encrypt", "fake",
            "generalize", "nullify", "drop", "drop-record", "keep");
    /** Locales {@code fake} has word lists for (veil-core resources dev/veil/core/action/fake). */
    public static final List<String> FAKE_LOCALES = List.of("en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "ru",
            "tr", "ar", "hi", "ja", "zh", "ko", "yo", "vi");

    private static final Set<String> TOP = orderedSet("veil", "name", "keys", "classes", "fields", "scan",
            "segments", "consent", "grants", "streams");
    private static final java.util.regex.Pattern SEGMENT_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]{0,62}");
    private static final java.util.regex.Pattern POLICY_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_POLICY_CHARS = 4 * 1024 * 1024;

    private PolicyLoader() {
    }

    /** Loads and validates a policy file; relative key files resolve against the policy's folder. */
    public static Policy load(Path file) throws IOException, PolicyException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir);
    }

    /** Validates policy text; {@code source} names it in errors, {@code baseDir} resolves relative key files. */
    public static Policy parse(String text, String source, Path baseDir) throws PolicyException {
        if (text.length() > MAX_POLICY_CHARS) {
            throw new PolicyException(new PolicyProblem(new Location(source, 1, 1, "(file)"),
                    "policy is larger than " + MAX_POLICY_CHARS + " characters"));
        }
        LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(true)
                .setMaxAliasesForCollections(20).setCodePointLimit(MAX_POLICY_CHARS).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            int line = m == null ? 1 : m.getLine() + 1;
            int col = m == null ? 1 : m.getColumn() + 1;
            throw new PolicyException(new PolicyProblem(new Location(source, line, col, "(syntax)"),
                    "invalid YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            throw new PolicyException(new PolicyProblem(new Location(source, 1, 1, "(syntax)"),
                    "invalid YAML: " + firstLine(e.getMessage())));
        }
        if (root.isEmpty()) {
            throw new PolicyException(new PolicyProblem(new Location(source, 1, 1, "(file)"),
                    "the policy is empty; start with 'veil: 1' and 'name: ...'"));
        }
        return new Reader(source, baseDir == null ? Path.of(".") : baseDir).read(root.get());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Set<String> orderedSet(String... names) {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(names)));
    }

    /** One read of one policy: collects problems, then builds the model if there are none. */
    private static final class Reader {
        private final String source;
        private final Path baseDir;
        private final YamlNodes y;

        Reader(String source, Path baseDir) {
            this.source = source;
            this.baseDir = baseDir;
            this.y = new YamlNodes(source);
        }

        Policy read(Node rootNode) throws PolicyException {
            At root = new At("", rootNode);
            Map<String, At> top = y.mapping(root, TOP);
            if (top == null) {
                throw new PolicyException(y.problems());
            }
            At veil = top.get("veil");
            if (veil == null) {
                y.error(y.where(rootNode, "veil"), "missing required key 'veil' (the format version: veil: 1)");
            } else {
                Integer v = y.integer(veil, 1, 1000);
                if (v != null && v != FORMAT_VERSION) {
                    y.error(veil, "format version " + v + " is not supported; this build reads veil: " + FORMAT_VERSION);
                }
            }
            String name = null;
            At nameAt = top.get("name");
            if (nameAt == null) {
                y.error(y.where(rootNode, "name"), "missing required key 'name'");
            } else {
                name = y.string(nameAt);
                if (name != null && !POLICY_NAME.matcher(name).matches()) {
                    y.error(nameAt, "a policy name is letters, digits, '.', '_' or '-' (at most 128)");
                }
            }
            Map<String, KeySpec> keys = readKeys(top.get("keys"));
            Map<String, ClassSpec> classes = readClasses(top.get("classes"));
            ClassTable table = new ClassTable(new ArrayList<>(classes.keySet()));
            List<FieldRule> fields = readFields(top.get("fields"), table);
            ScanSpec scan = readScan(top.get("scan"), table);
            Map<String, SegmentSpec> segments = readSegments(top.get("segments"), table, keys);
            if (segments.size() > ScanSpec.MAX_GUARDED_SEGMENTS && scan.leakGuard() != ScanSpec.LeakGuard.OFF) {
                y.error(top.get("segments"), "the leak guard covers at most " + ScanSpec.MAX_GUARDED_SEGMENTS + " segments and this"
                        + " policy has " + segments.size() + ": split it into several policies, or set scan.leak_guard: off");
            }
            ConsentSpec consent = readConsent(top.get("consent"), keys);
            GrantsSpec grants = readGrants(top.get("grants"), segments);
            List<StreamSpec> streams = readStreams(top.get("streams"), segments);
            if (!y.problems().isEmpty()) {
                List<PolicyProblem> sorted = new ArrayList<>(y.problems());
                sorted.sort(java.util.Comparator.comparingInt((PolicyProblem p) -> p.location().line())
                        .thenComparingInt(p -> p.location().column()));
                throw new PolicyException(sorted);
            }
            return new Policy(FORMAT_VERSION, name, version(rootNode), source, table,
                    Collections.unmodifiableMap(keys), Collections.unmodifiableMap(classes), List.copyOf(fields),
                    scan, Collections.unmodifiableMap(segments), consent, grants, List.copyOf(streams));
        }

        /** The entries of an optional mapping section: empty when absent, null-valued or (reported) not a mapping. */
        private Map<String, At> section(At at) {
            if (at == null || y.isNull(at)) {
                return Map.of();
            }
            Map<String, At> m = y.mapping(at, null);
            return m == null ? Map.of() : m;
        }

        private Map<String, KeySpec> readKeys(At at) {
            Map<String, KeySpec> out = new LinkedHashMap<>();
            Map<String, At> m = section(at);
            for (Map.Entry<String, At> e : m.entrySet()) {
                Map<String, At> ref = y.mapping(e.getValue(), orderedSet("keyset", "env"));
                if (ref == null) {
                    continue;
                }
                if (ref.size() != 1) {
                    y.error(e.getValue(), "name exactly one source: {keyset: FILE} or {env: VARIABLE}");
                    continue;
                }
                Location loc = y.where(e.getValue());
                if (ref.containsKey("keyset")) {
                    String f = y.string(ref.get("keyset"));
                    if (f != null) {
                        out.put(e.getKey(), new KeySpec(e.getKey(), baseDir.resolve(f).normalize(), null, loc));
                    }
                } else {
                    String v = y.string(ref.get("env"));
                    if (v != null) {
                        out.put(e.getKey(), new KeySpec(e.getKey(), null, v, loc));
                    }
                }
            }
            return out;
        }

        private Map<String, ClassSpec> readClasses(At at) {
            Map<String, ClassSpec> out = new LinkedHashMap<>();
            Map<String, At> m = section(at);
            for (Map.Entry<String, At> e : m.entrySet()) {
                String cname = e.getKey();
                if (DataClass.builtIn(cname) != null) {
                    y.error(y.whereKey(e.getValue()), "'" + cname + "' is a built-in class; pick another name");
                    continue;
                }
                if (!CLASS_NAME.matcher(cname).matches()) {
                    y.error(y.whereKey(e.getValue()), "class names are UPPER_SNAKE_CASE (A-Z, 0-9, _)");
                    continue;
                }
                Map<String, At> c = y.mapping(e.getValue(), orderedSet("pattern", "validator", "context", "score"));
                if (c == null) {
                    continue;
                }
                String pattern = null;
                if (c.get("pattern") == null) {
                    y.error(e.getValue(), "missing required key 'pattern' (an RE2 expression)");
                } else {
                    pattern = y.string(c.get("pattern"));
                    if (pattern != null) {
                        try {
                            Pattern.compile(pattern);
                            if (Pattern.compile(pattern).matches("")) {
                                y.error(c.get("pattern"), "the pattern matches empty text; it would flag everything");
                            }
                        } catch (PatternSyntaxException ex) {
                            y.error(c.get("pattern"), "not a valid RE2 pattern: " + ex.getDescription());
                            pattern = null;
                        }
                    }
                }
                ClassSpec.Validator validator = ClassSpec.Validator.NONE;
                if (c.get("validator") != null) {
                    String v = y.choice(c.get("validator"), List.of("none", "luhn", "mod97"));
                    if (v != null) {
                        validator = ClassSpec.Validator.valueOf(v.toUpperCase(Locale.ROOT));
                    }
                }
                List<String> context = List.of();
                if (c.get("context") != null) {
                    List<String> ctx = y.strings(c.get("context"));
                    if (ctx != null) {
                        context = ctx.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
                    }
                }
                double score = 0.8;
                if (c.get("score") != null) {
                    Double s = y.number(c.get("score"), 0.0, 1.0);
                    if (s != null) {
                        score = s;
                    }
                }
                if (pattern != null) {
                    out.put(cname, new ClassSpec(cname, pattern, validator, context, score, y.where(e.getValue())));
                }
            }
            return out;
        }

        private List<FieldRule> readFields(At at, ClassTable table) {
            List<FieldRule> out = new ArrayList<>();
            Map<String, At> m = section(at);
            Map<PathPattern, Location> seen = new LinkedHashMap<>();
            for (Map.Entry<String, At> e : m.entrySet()) {
                PathPattern path;
                try {
                    path = PathPattern.parse(e.getKey());
                } catch (IllegalArgumentException ex) {
                    y.error(y.whereKey(e.getValue()), "invalid path: " + ex.getMessage());
                    continue;
                }
                String cname = y.string(e.getValue());
                if (cname == null) {
                    continue;
                }
                DataClass c = table.get(cname);
                if (c == null) {
                    y.error(e.getValue(), "unknown class '" + cname + "'" + suggestClass(cname, table)
                            + "; define it under classes: or use a built-in one");
                    continue;
                }
                Location loc = y.where(e.getValue());
                Location prev = seen.putIfAbsent(path, loc);
                if (prev != null) {
                    y.error(loc, "the same path as line " + prev.line() + " ([*] does not make a path different)");
                    continue;
                }
                out.add(new FieldRule(path, c, loc));
            }
            return out;
        }

        private ScanSpec readScan(At at, ClassTable table) {
            if (at == null || y.isNull(at)) {
                return ScanSpec.DEFAULT;
            }
            Map<String, At> m = y.mapping(at, orderedSet("strings", "min_score", "field_names", "regions", "thresholds",
                    "leak_guard"));
            if (m == null) {
                return ScanSpec.DEFAULT;
            }
            ScanSpec.Strings strings = ScanSpec.DEFAULT.strings();
            if (m.get("strings") != null) {
                String s = y.choice(m.get("strings"), List.of("all", "unclassified", "none"));
                if (s != null) {
                    strings = ScanSpec.Strings.valueOf(s.toUpperCase(Locale.ROOT));
                }
            }
            double min = ScanSpec.DEFAULT.minScore();
            if (m.get("min_score") != null) {
                Double d = y.number(m.get("min_score"), 0.0, 1.0);
                if (d != null) {
                    min = d;
                }
            }
            boolean names = ScanSpec.DEFAULT.fieldNames();
            if (m.get("field_names") != null) {
                Boolean b = y.bool(m.get("field_names"));
                if (b != null) {
                    names = b;
                }
            }
            List<String> regions = ScanSpec.DEFAULT.regions();
            if (m.get("regions") != null) {
                List<At> items = y.sequence(m.get("regions"));
                if (items != null) {
                    List<String> rs = new ArrayList<>();
                    Set<String> known = PhoneNumberUtil.getInstance().getSupportedRegions();
                    for (At item : items) {
                        String r = y.string(item);
                        if (r != null && !known.contains(r)) {
                            y.error(item, "'" + r + "' is not a region code (two capital letters, ISO 3166: US, GB, DE...)");
                        } else if (r != null) {
                            rs.add(r);
                        }
                    }
                    if (items.isEmpty()) {
                        y.error(m.get("regions"), "name at least one region, or leave regions out (default: [US])");
                    }
                    regions = List.copyOf(rs);
                }
            }
            Map<DataClass, Double> thresholds = new LinkedHashMap<>();
            for (Map.Entry<String, At> e : section(m.get("thresholds")).entrySet()) {
                DataClass c = table.get(e.getKey());
                if (c == null || c.isNone()) {
                    y.error(y.whereKey(e.getValue()), "unknown class '" + e.getKey() + "'" + suggestClass(e.getKey(), table));
                    continue;
                }
                Double d = y.number(e.getValue(), 0.0, 1.0);
                if (d != null) {
                    thresholds.put(c, d);
                }
            }
            ScanSpec.LeakGuard guard = ScanSpec.DEFAULT.leakGuard();
            if (m.get("leak_guard") != null) {
                String g = y.choice(m.get("leak_guard"), List.of("block", "alert", "off"));
                if (g != null) {
                    guard = ScanSpec.LeakGuard.valueOf(g.toUpperCase(Locale.ROOT));
                }
            }
            return new ScanSpec(strings, min, names, regions, Collections.unmodifiableMap(thresholds), guard);
        }

        private Map<String, SegmentSpec> readSegments(At at, ClassTable table, Map<String, KeySpec> keys) {
            Map<String, SegmentSpec> out = new LinkedHashMap<>();
            if (at == null) {
                y.error(new Location(source, 1, 1, "segments"), "missing required key 'segments' (at least one"
                        + " audience, each with its actions)");
                return out;
            }
            Map<String, At> m = y.mapping(at, null);
            if (m == null) {
                return out;
            }
            if (m.isEmpty()) {
                y.error(at, "declare at least one segment");
            }
            for (Map.Entry<String, At> e : m.entrySet()) {
                String sname = e.getKey();
                if (!SEGMENT_NAME.matcher(sname).matches()) {
                    y.error(y.whereKey(e.getValue()), "segment names are lower case letters, digits, '_' or '-' (at most 63)");
                    continue;
                }
                Map<String, At> s = y.mapping(e.getValue(), orderedSet("principals", "actions"));
                if (s == null) {
                    continue;
                }
                List<String> principals = List.of();
                if (s.get("principals") != null) {
                    List<String> p = y.strings(s.get("principals"));
                    if (p != null) {
                        principals = List.copyOf(p);
                    }
                }
                Map<DataClass, ActionSpec> actions = new LinkedHashMap<>();
                ActionSpec dflt = null;
                if (s.get("actions") == null) {
                    y.error(e.getValue(), "missing required key 'actions' (what this segment does to each class)");
                } else {
                    Map<String, At> a = y.mapping(s.get("actions"), null);
                    if (a != null) {
                        for (Map.Entry<String, At> ae : a.entrySet()) {
                            ActionSpec spec = readAction(ae.getValue(), keys);
                            if ("default".equals(ae.getKey())) {
                                dflt = spec;
                                continue;
                            }
                            DataClass c = table.get(ae.getKey());
                            if (c == null) {
                                y.error(ae.getValue(), "unknown class '" + ae.getKey() + "'" + suggestClass(ae.getKey(), table)
                                        + "; use a built-in class, one defined under classes:, or default");
                            } else if (c.isNone()) {
                                y.error(ae.getValue(), "NONE is never masked; it takes no action");
                            } else if (spec != null) {
                                actions.put(c, spec);
                            }
                        }
                    }
                }
                Location loc = y.where(e.getValue());
                if (dflt == null) {
                    // Fail closed: a class the segment does not name is redacted.
                    dflt = new ActionSpec.Redact(null, loc);
                }
                out.put(sname, new SegmentSpec(sname, principals, Collections.unmodifiableMap(actions), dflt, loc));
            }
            return out;
        }

        private ActionSpec readAction(At at, Map<String, KeySpec> keys) {
            String name;
            At opts = null;
            if (at.node() instanceof ScalarNode) {
                name = y.string(at);
                if (name == null) {
                    return null;
                }
            } else if (at.node() instanceof MappingNode mn) {
                if (mn.getValue().size() != 1) {
                    y.error(at, "an action is a name (redact) or a one-key mapping ({mask: {keep_last: 4}})");
                    return null;
                }
                NodeTuple t = mn.getValue().get(0);
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    y.error(at, "an action name must be plain text");
                    return null;
                }
                name = k.getValue();
                opts = new At(YamlNodes.child(at.key(), name), t.getValueNode());
            } else {
                y.error(at, "an action is a name (redact) or a one-key mapping ({mask: {keep_last: 4}})");
                return null;
            }
            if (!ACTIONS.contains(name)) {
                y.error(at, "unknown action '" + name + "'" + YamlNodes.suggest(name, ACTIONS)
                        + "; expected one of " + String.join(", ", ACTIONS));
                return null;
            }
            Location loc = y.where(at);
            Map<String, At> o = Map.of();
            if (opts != null && !y.isNull(opts)) {
                Set<String> allowed = switch (name) {
                    case "redact" -> orderedSet("with");
                    case "mask" -> orderedSet("keep_first", "keep_last", "char", "keep_separators", "keep_domain");
                    case "hash" -> orderedSet("key", "length", "encoding");
                    case "tokenize" -> orderedSet("key", "alphabet", "keep_last", "luhn");
                    case "encrypt" -> orderedSet("key", "deterministic");
                    case "fake" -> orderedSet("key", "locale", "deterministic");
                    case "generalize" -> orderedSet("to", "prefix", "bits", "bucket");
                    default -> Set.of();
                };
                o = y.mapping(opts, allowed);
                if (o == null) {
                    return null;
                }
            }
            switch (name) {
                case "redact": {
                    String with = o.get("with") == null ? null : y.string(o.get("with"));
                    return new ActionSpec.Redact(with, loc);
                }
                case "mask": {
                    int first = intOpt(o.get("keep_first"), 0, 0, 64);
                    int last = intOpt(o.get("keep_last"), 0, 0, 64);
                    int ch = '*';
                    if (o.get("char") != null) {
                        String c = y.string(o.get("char"));
                        if (c != null) {
                            if (c.codePointCount(0, c.length()) != 1 || Character.isLetterOrDigit(c.codePointAt(0))) {
                                y.error(o.get("char"), "char is one character that is not a letter or digit");
                            } else {
                                ch = c.codePointAt(0);
                            }
                        }
                    }
                    boolean seps = boolOpt(o.get("keep_separators"), true);
                    boolean domain = boolOpt(o.get("keep_domain"), false);
                    return new ActionSpec.Mask(first, last, ch, seps, domain, loc);
                }
                case "tokenize": {
                    String key = keyOpt(at, o, keys, "tokenize");
                    ActionSpec.Tokenize.Alphabet alphabet = ActionSpec.Tokenize.Alphabet.DIGITS;
                    if (o.get("alphabet") != null) {
                        String a = y.choice(o.get("alphabet"), List.of("digits", "alphanumeric"));
                        if (a != null) {
                            alphabet = ActionSpec.Tokenize.Alphabet.valueOf(a.toUpperCase(Locale.ROOT));
                        }
                    }
                    int last = intOpt(o.get("keep_last"), 0, 0, 64);
                    boolean luhn = boolOpt(o.get("luhn"), false);
                    if (luhn && alphabet != ActionSpec.Tokenize.Alphabet.DIGITS) {
                        y.error(o.get("luhn"), "luhn: true needs alphabet: digits (the Luhn check is over digits)");
                    }
                    return new ActionSpec.Tokenize(key, alphabet, last, luhn, loc);
                }
                case "fake": {
                    boolean det = boolOpt(o.get("deterministic"), true);
                    String key = det ? keyOpt(at, o, keys, "fake") : null;
                    String locale = "en";
                    if (o.get("locale") != null) {
                        String l = y.choice(o.get("locale"), FAKE_LOCALES);
                        if (l != null) {
                            locale = l;
                        }
                    }
                    return new ActionSpec.Fake(key, locale, det, loc);
                }
                case "encrypt": {
                    String key = keyOpt(at, o, keys, "encrypt");
                    boolean det = boolOpt(o.get("deterministic"), false);
                    return new ActionSpec.Encrypt(key, det, loc);
                }
                case "hash": {
                    String key = keyOpt(at, o, keys, "hash");
                    ActionSpec.Hash.Encoding enc = ActionSpec.Hash.Encoding.HEX;
                    if (o.get("encoding") != null) {
                        String e = y.choice(o.get("encoding"), List.of("hex", "base64url"));
                        if (e != null) {
                            enc = e.equals("hex") ? ActionSpec.Hash.Encoding.HEX : ActionSpec.Hash.Encoding.BASE64URL;
                        }
                    }
                    int max = enc == ActionSpec.Hash.Encoding.HEX ? 64 : 43;
                    int len = intOpt(o.get("length"), max, 8, max);
                    return new ActionSpec.Hash(key, len, enc, loc);
                }
                case "generalize": {
                    if (o.size() != 1) {
                        y.error(at, "generalize takes exactly one of: to (year, month, decade), prefix, bits, bucket");
                        return null;
                    }
                    if (o.get("to") != null) {
                        String to = y.choice(o.get("to"), List.of("year", "month", "decade"));
                        return to == null ? null : new ActionSpec.Generalize(
                                ActionSpec.Generalize.DateUnit.valueOf(to.toUpperCase(Locale.ROOT)), null, null, null, loc);
                    }
                    if (o.get("prefix") != null) {
                        Integer p = y.integer(o.get("prefix"), 0, 64);
                        return p == null ? null : new ActionSpec.Generalize(null, p, null, null, loc);
                    }
                    if (o.get("bits") != null) {
                        Integer b = y.integer(o.get("bits"), 0, 128);
                        return b == null ? null : new ActionSpec.Generalize(null, null, b, null, loc);
                    }
                    Double b = y.number(o.get("bucket"), Double.MIN_VALUE, 1e15);
                    return b == null ? null : new ActionSpec.Generalize(null, null, null,
                            new BigDecimal(((ScalarNode) o.get("bucket").node()).getValue()), loc);
                }
                case "nullify":
                    return new ActionSpec.Nullify(loc);
                case "drop":
                    return new ActionSpec.Drop(loc);
                case "drop-record":
                    return new ActionSpec.DropRecord(loc);
                case "keep":
                    return new ActionSpec.Keep(loc);
                default:
                    throw new IllegalStateException("unhandled action " + name);
            }
        }

        /** The {@code key} option (default {@code default}), reported when the policy has no such key. */
        private String keyOpt(At at, Map<String, At> o, Map<String, KeySpec> keys, String action) {
            String key = "default";
            At keyAt = o.get("key");
            if (keyAt != null) {
                String k = y.string(keyAt);
                if (k != null) {
                    key = k;
                }
            }
            if (!keys.containsKey(key)) {
                y.error(keyAt != null ? keyAt : at, action + " needs a key: no key '" + key + "' under keys:"
                        + (keys.isEmpty() ? " (add keys: {" + key + ": {keyset: FILE}})" : YamlNodes.suggest(key, keys.keySet())));
            }
            return key;
        }

        private int intOpt(At at, int dflt, int min, int max) {
            if (at == null) {
                return dflt;
            }
            Integer v = y.integer(at, min, max);
            return v == null ? dflt : v;
        }

        private boolean boolOpt(At at, boolean dflt) {
            if (at == null) {
                return dflt;
            }
            Boolean v = y.bool(at);
            return v == null ? dflt : v;
        }

        private ConsentSpec readConsent(At at, Map<String, KeySpec> keys) {
            if (at == null || y.isNull(at)) {
                return null;
            }
            Map<String, At> m = y.mapping(at, orderedSet("subject", "on_opt_out", "key"));
            if (m == null) {
                return null;
            }
            PathPattern subject = null;
            if (m.get("subject") == null) {
                y.error(at, "missing required key 'subject' (the path of the data subject's id)");
            } else {
                String s = y.string(m.get("subject"));
                if (s != null) {
                    try {
                        subject = PathPattern.parse(s);
                    } catch (IllegalArgumentException e) {
                        y.error(m.get("subject"), "invalid path: " + e.getMessage());
                    }
                }
            }
            ConsentSpec.OnOptOut on = ConsentSpec.OnOptOut.DROP_RECORD;
            if (m.get("on_opt_out") != null) {
                String s = y.choice(m.get("on_opt_out"), List.of("drop-record", "redact-all"));
                if (s != null) {
                    on = s.equals("drop-record") ? ConsentSpec.OnOptOut.DROP_RECORD : ConsentSpec.OnOptOut.REDACT_ALL;
                }
            }
            // subject ids are stored and compared only as keyed fingerprints, so consent needs an HMAC key
            String key = keyOpt(at, m, keys, "consent");
            return subject == null ? null : new ConsentSpec(subject, on, key, y.where(at));
        }

        private GrantsSpec readGrants(At at, Map<String, SegmentSpec> segments) {
            if (at == null || y.isNull(at)) {
                return null;
            }
            Map<String, At> m = y.mapping(at, orderedSet("max_ttl", "two_person", "segments"));
            if (m == null) {
                return null;
            }
            Duration ttl = Duration.ofHours(4);
            if (m.get("max_ttl") != null) {
                String s = y.string(m.get("max_ttl"));
                if (s != null) {
                    try {
                        ttl = Duration.parse(s);
                        if (ttl.isNegative() || ttl.isZero()) {
                            y.error(m.get("max_ttl"), "max_ttl must be positive");
                        }
                    } catch (DateTimeParseException e) {
                        y.error(m.get("max_ttl"), "expected an ISO-8601 duration such as PT4H or PT30M");
                    }
                }
            }
            boolean two = m.get("two_person") == null || Boolean.TRUE.equals(y.bool(m.get("two_person")));
            List<String> segs = m.get("segments") == null ? List.of() : segmentRefs(m.get("segments"), segments);
            return new GrantsSpec(ttl, two, segs, y.where(at));
        }

        private List<String> segmentRefs(At at, Map<String, SegmentSpec> segments) {
            List<At> items = y.sequence(at);
            List<String> out = new ArrayList<>();
            if (items == null) {
                return out;
            }
            for (At item : items) {
                String s = y.string(item);
                if (s == null) {
                    continue;
                }
                if (!segments.containsKey(s)) {
                    y.error(item, "unknown segment '" + s + "'" + YamlNodes.suggest(s, segments.keySet()));
                } else {
                    out.add(s);
                }
            }
            return out;
        }

        private List<StreamSpec> readStreams(At at, Map<String, SegmentSpec> segments) {
            List<StreamSpec> out = new ArrayList<>();
            if (at == null || y.isNull(at)) {
                return out;
            }
            List<At> items = y.sequence(at);
            if (items == null) {
                return out;
            }
            for (At item : items) {
                Map<String, At> m = y.mapping(item, orderedSet("input", "format", "segments", "output", "message",
                        "columns", "delimiter", "layout"));
                if (m == null) {
                    continue;
                }
                String input = null;
                if (m.get("input") == null) {
                    y.error(item, "missing required key 'input' (the topic to read)");
                } else {
                    input = y.string(m.get("input"));
                }
                String format = "json";
                if (m.get("format") != null) {
                    String f = y.choice(m.get("format"), FORMATS);
                    if (f != null) {
                        format = f;
                    }
                }
                List<String> segs;
                if (m.get("segments") == null) {
                    segs = new ArrayList<>(segments.keySet());
                } else {
                    segs = segmentRefs(m.get("segments"), segments);
                }
                String output = "{input}.{segment}";
                if (m.get("output") != null) {
                    String o = y.string(m.get("output"));
                    if (o != null) {
                        output = o;
                        if (segs.size() > 1 && !o.contains("{segment}")) {
                            y.error(m.get("output"), "with more than one segment the output must contain {segment},"
                                    + " or every segment would write to the same topic");
                        }
                    }
                }
                String message = null;
                List<String> columns = null;
                char delimiter = ',';
                String layout = "plain";
                if (m.get("message") != null) {
                    if (!format.equals("protobuf")) {
                        y.error(m.get("message"), "'message' names the type of protobuf records; this stream is " + format);
                    }
                    message = y.string(m.get("message"));
                } else if (format.equals("protobuf")) {
                    y.error(item, "a protobuf stream needs 'message': the full name of its message type (acme.shop.Order)");
                }
                if (m.get("columns") != null) {
                    if (!format.equals("csv")) {
                        y.error(m.get("columns"), "'columns' names the cells of csv records; this stream is " + format);
                    }
                    columns = y.strings(m.get("columns"));
                    if (columns != null && columns.isEmpty()) {
                        y.error(m.get("columns"), "'columns' needs at least one column name");
                    }
                } else if (format.equals("csv")) {
                    y.error(item, "a csv stream needs 'columns': the column names of each record, in order"
                            + " (a Kafka record is one row, without a header)");
                }
                if (m.get("delimiter") != null) {
                    String d = y.string(m.get("delimiter"));
                    if (!format.equals("csv")) {
                        y.error(m.get("delimiter"), "'delimiter' goes with format csv");
                    } else if (d != null && (d.equals("tab") || d.equals("\t"))) {
                        delimiter = '\t';
                    } else if (d != null && d.length() == 1 && "\"\r\n".indexOf(d.charAt(0)) < 0) {
                        delimiter = d.charAt(0);
                    } else if (d != null) {
                        y.error(m.get("delimiter"), "'delimiter' is one character (not a quote or a line break), or tab");
                    }
                }
                if (m.get("layout") != null) {
                    String l = y.choice(m.get("layout"), List.of("plain", "logfmt"));
                    if (!format.equals("text")) {
                        y.error(m.get("layout"), "'layout' goes with format text");
                    } else if (l != null) {
                        layout = l;
                    }
                }
                if (input != null) {
                    out.add(new StreamSpec(input, format, List.copyOf(segs), output, y.where(item), message,
                            columns == null ? null : List.copyOf(columns), delimiter, layout));
                }
            }
            return out;
        }

        private static String suggestClass(String given, ClassTable table) {
            List<String> names = new ArrayList<>();
            table.classes().forEach(c -> names.add(c.name()));
            names.add("NONE");
            return YamlNodes.suggest(given, names);
        }
    }

    /** sha256 over a canonical JSON rendering of the node tree: mapping keys sorted, layout and comments gone. */
    static String version(Node root) {
        StringBuilder sb = new StringBuilder();
        canonical(root, sb);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    private static void canonical(Node n, StringBuilder sb) {
        if (n instanceof MappingNode m) {
            TreeMap<String, Node> sorted = new TreeMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                sorted.putIfAbsent(k, t.getValueNode());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Node> e : sorted.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                JsonText.quote(e.getKey(), sb);
                sb.append(':');
                canonical(e.getValue(), sb);
            }
            sb.append('}');
        } else if (n instanceof SequenceNode s) {
            sb.append('[');
            for (int i = 0; i < s.getValue().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                canonical(s.getValue().get(i), sb);
            }
            sb.append(']');
        } else if (n instanceof ScalarNode s) {
            JsonText.quote(s.getValue(), sb);
        } else {
            sb.append("null");
        }
    }


}
