package dev.veil.core.classify;

import dev.veil.core.policy.DataClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Classifies a field by its name, in any of the usual naming styles: {@code email}, {@code e_mail},
 * {@code emailAddress}, {@code customer-email}, {@code IPAddress}, {@code card_number}...
 *
 * <p>A name is split into words (camelCase, snake_case, kebab-case, dots, digits) and its last one, two or
 * three words are looked up, longest first, so {@code email_address} is an EMAIL and not a STREET_ADDRESS,
 * and {@code email_verified} is nothing. A bare {@code name} is a PERSON_NAME only inside an object whose own
 * name says it holds a person ({@code customer}, {@code user}, {@code patient}...).
 *
 * <p>Thread-safe. Results are cached per distinct name (bounded, so hostile input with endless new keys
 * cannot grow memory without limit).
 */
public final class NameHeuristics {
    private static final int CACHE_LIMIT = 50_000;

    private static final Map<String, DataClass> WORDS = new HashMap<>();
    private static final Set<String> PERSON_HOLDERS = Set.of("customer", "user", "person", "patient", "employee",
            "member", "contact", "client", "owner", "recipient", "sender", "author", "buyer", "seller", "passenger",
            "guest", "student", "applicant", "beneficiary", "cardholder", "holder", "driver", "subscriber",
            "account", "profile", "traveler", "traveller", "payer", "payee", "shopper", "consumer", "lead",
            "candidate", "tenant", "insured", "policyholder", "spouse", "child", "parent", "emergencycontact");

    static {
        put(DataClass.EMAIL, "email", "emailaddress", "emailaddr", "mail", "mailaddress", "emailid");
        put(DataClass.PHONE, "phone", "phonenumber", "phoneno", "phonenum", "telephone", "telephonenumber", "tel",
                "mobile", "mobilenumber", "mobilephone", "mobileno", "cell", "cellphone", "cellnumber", "fax",
                "faxnumber", "msisdn", "landline", "whatsapp");
        put(DataClass.CREDIT_CARD, "card", "cardnumber", "cardno", "cardnum", "creditcard", "creditcardnumber",
                "debitcard", "ccnumber", "ccnum", "cc", "pan", "primaryaccountnumber", "cardpan");
        put(DataClass.US_SSN, "ssn", "socialsecurity", "socialsecuritynumber", "socialsecurityno", "ssnumber",
                "taxpayerid", "itin");
        put(DataClass.IBAN, "iban", "ibannumber", "bankaccountiban", "ibancode");
        put(DataClass.IP_ADDRESS, "ip", "ipaddress", "ipaddr", "ipv", "ipvaddress", "ipvaddr", "remoteaddr", "remoteaddress",
                "xforwardedfor", "forwardedfor", "clientaddress", "sourceip", "srcip", "dstip");
        put(DataClass.MAC_ADDRESS, "mac", "macaddress", "macaddr", "hwaddr", "hardwareaddress");
        put(DataClass.PERSON_NAME, "firstname", "lastname", "fullname", "givenname", "familyname", "surname",
                "middlename", "maidenname", "forename", "displayname", "personname", "legalname", "fname",
                "lname", "customername", "contactname", "holdername", "cardholdername",
                "patientname", "recipientname", "sendername", "billingname", "shippingname", "nameoncard");
        put(DataClass.STREET_ADDRESS, "address", "streetaddress", "street", "addressline", "homeaddress",
                "postaladdress", "mailingaddress", "billingaddress", "shippingaddress", "residentialaddress",
                "addr", "streetname", "housenumber", "postcode", "postalcode", "zipcode", "zip");
        put(DataClass.DATE_OF_BIRTH, "dob", "dateofbirth", "birthdate", "birthday", "birthdt", "bday",
                "bornon", "birthdatetime");
        put(DataClass.SECRET, "password", "passwd", "pwd", "passphrase", "secret", "clientsecret",
                "secretkey", "apikey", "apisecret", "accesskey", "accesskeyid", "secretaccesskey", "privatekey",
                "token", "accesstoken", "refreshtoken", "idtoken", "authtoken", "bearertoken", "sessiontoken",
                "apitoken", "authorization", "credentials", "credential", "signingkey", "encryptionkey",
                "connectionstring", "pin", "otp", "cvv", "cvc", "cvv2", "securitycode");
    }

    private static void put(DataClass c, String... words) {
        for (String w : words) {
            WORDS.put(w, c);
        }
    }

    /**
     * What a name says on its own: its class (or null), whether it is a bare {@code name} (a PERSON_NAME when
     * its parent holds a person), and whether, as a parent, it holds a person.
     */
    public record Verdict(DataClass dataClass, boolean bareName, boolean holdsPerson) {
        /** The class of a field with this verdict inside a parent with {@code parentHoldsPerson}. */
        public DataClass classIn(boolean parentHoldsPerson) {
            return dataClass != null ? dataClass : bareName && parentHoldsPerson ? DataClass.PERSON_NAME : null;
        }
    }

    private final ConcurrentHashMap<String, Verdict> cache = new ConcurrentHashMap<>();

    /**
     * The class a field name suggests, or null.
     *
     * @param parent the name of the enclosing member, or null at the top
     */
    public DataClass classify(String parent, String name) {
        return verdict(name).classIn(parent != null && verdict(parent).holdsPerson());
    }

    /** The verdict for a name (cached, bounded). */
    public Verdict verdict(String name) {
        Verdict v = cache.get(name);
        if (v == null) {
            v = compute(name);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(name, v);
            }
        }
        return v;
    }

    private static boolean isPersonHolder(String parent) {
        List<String> w = words(parent);
        if (w.isEmpty()) {
            return false;
        }
        String last = w.get(w.size() - 1);
        // arrays are usually named in the plural: customers[*].name
        return PERSON_HOLDERS.contains(last) || (last.endsWith("s") && PERSON_HOLDERS.contains(last.substring(0, last.length() - 1)));
    }

    private static Verdict compute(String name) {
        boolean holds = isPersonHolder(name);
        List<String> w = words(name);
        w.removeIf(word -> Character.isDigit(word.charAt(0))); // address_line_1, ipv4_address
        if (w.isEmpty()) {
            return new Verdict(null, false, holds);
        }
        for (int k = Math.min(3, w.size()); k >= 1; k--) {
            StringBuilder sb = new StringBuilder();
            for (int i = w.size() - k; i < w.size(); i++) {
                sb.append(w.get(i));
            }
            DataClass c = WORDS.get(sb.toString());
            if (c != null) {
                return new Verdict(c, false, holds);
            }
        }
        return new Verdict(null, w.size() == 1 && w.get(0).equals("name"), holds);
    }

    /** Whether a name is one word in any naming style ({@code owner}, not {@code owner_id}). */
    public static boolean singleWord(String name) {
        return words(name).size() == 1;
    }

    /** Splits a name into lower-case words at case changes, digits and separators. */
    static List<String> words(String name) {
        List<String> out = new ArrayList<>();
        int n = name.length();
        // the last words decide, so a very long name is read from its end
        int from = Math.max(0, n - 256);
        StringBuilder cur = new StringBuilder();
        for (int i = from; i < n; i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(cur, out);
                continue;
            }
            if (cur.length() > 0 && i > from) {
                char p = name.charAt(i - 1);
                boolean boundary = (Character.isLowerCase(p) && Character.isUpperCase(c))
                        || (Character.isDigit(p) != Character.isDigit(c))
                        || (Character.isUpperCase(p) && Character.isUpperCase(c) && i + 1 < n
                            && Character.isLowerCase(name.charAt(i + 1)));
                if (boundary) {
                    flush(cur, out);
                }
            }
            cur.append(c);
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (cur.length() > 0) {
            out.add(cur.toString().toLowerCase(Locale.ROOT));
            cur.setLength(0);
        }
    }
}
