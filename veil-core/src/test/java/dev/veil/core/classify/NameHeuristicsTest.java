package dev.veil.core.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.policy.DataClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameHeuristicsTest {
    private final NameHeuristics h = new NameHeuristics();

    @ParameterizedTest
    @CsvSource({
        "email, EMAIL", "e_mail, EMAIL", "emailAddress, EMAIL", "EMAIL_ADDRESS, EMAIL", "customer-email, EMAIL",
        "user.email, EMAIL", "ssn, US_SSN", "SocialSecurityNumber, US_SSN", "dob, DATE_OF_BIRTH", "date_of_birth, DATE_OF_BIRTH",
        "birthDate, DATE_OF_BIRTH", "phone_number, PHONE", "mobilePhone, PHONE", "tel, PHONE", "firstName, PERSON_NAME",
        "last_name, PERSON_NAME", "surname, PERSON_NAME", "iban, IBAN", "card_number, CREDIT_CARD", "creditCardNumber, CREDIT_CARD",
        "ip, IP_ADDRESS", "ipv4_address, IP_ADDRESS", "ipv6, IP_ADDRESS", "clientIp, IP_ADDRESS", "client_ip, IP_ADDRESS", "IPAddress, IP_ADDRESS", "remote_addr, IP_ADDRESS",
        "macAddress, MAC_ADDRESS", "shipping_address, STREET_ADDRESS", "addressLine1, STREET_ADDRESS", "zip, STREET_ADDRESS",
        "password, SECRET", "api_key, SECRET", "accessToken, SECRET", "AWS_SECRET_ACCESS_KEY, SECRET", "Authorization, SECRET",
    })
    void classifies(String name, String cls) {
        assertThat(h.classify(null, name)).isEqualTo(DataClass.builtIn(cls));
    }

    @org.junit.jupiter.api.Test
    void veryLongNamesAreReadFromTheirEnd() {
        assertThat(h.classify(null, "x".repeat(300) + "_password")).isEqualTo(DataClass.SECRET);
    }

    @ParameterizedTest
    @CsvSource({"email_verified", "emailCount", "zipper", "ship", "order_id", "status", "tip", "description", "cardType",
        "phoneVerified", "name", "hostname", "timestamp", "id"})
    void leavesOrdinaryNamesAlone(String name) {
        assertThat(h.classify(null, name)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"customer, PERSON_NAME", "billingContact, PERSON_NAME", "user, PERSON_NAME", "product, ", "service, ",
        "customers, PERSON_NAME", "products, "})
    void bareNameNeedsAPersonParent(String parent, String cls) {
        assertThat(h.classify(parent, "name")).isEqualTo(cls == null ? null : DataClass.builtIn(cls));
    }
}
