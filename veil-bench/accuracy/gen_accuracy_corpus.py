#!/usr/bin/env python3
"""Labeled evaluation corpus for Veil's content detection (standard library only, Python 3.11+).

usage:
  python3 gen_accuracy_corpus.py N OUT.jsonl [SEED]   write N labeled lines (SEED defaults to 1234)
  python3 gen_accuracy_corpus.py --check FILE         re-extract every span, validate it, print counts

Every output line is one JSON object:
  {"id": 1, "kind": "<template family>", "text": "...", "spans": [{"type": "EMAIL", "start": 12, "end": 31}]}
start/end are UTF-16 code unit offsets (Java String indices): a character above U+FFFF counts 2.
Spans are sorted, never overlap and cover exactly the sensitive substring (see README.md for the rules).

Layout of this file:
  1. Doc: text built from plain pieces and labeled pieces, offsets computed in UTF-16
  2. random helpers
  3. name lists (written for this corpus) and person generation
  4. value generators per type (email, phone, card, SSN, IBAN, IP, MAC, address, date of birth, secrets,
     URL credentials), each returning a labeled Doc
  5. hard negatives (values that look sensitive but are not, by the rules in README.md)
  6. template families, positive (at least one span) and negative (no span)
  7. generation, --check, main
"""

import base64
import ipaddress
import json
import os
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass

EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_CARD = "CREDIT_CARD"
US_SSN = "US_SSN"
IBAN = "IBAN"
IP_ADDRESS = "IP_ADDRESS"
MAC_ADDRESS = "MAC_ADDRESS"
PERSON_NAME = "PERSON_NAME"
STREET_ADDRESS = "STREET_ADDRESS"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
SECRET = "SECRET"
URL_CREDENTIALS = "URL_CREDENTIALS"
TYPES = (EMAIL, PHONE, CREDIT_CARD, US_SSN, IBAN, IP_ADDRESS, MAC_ADDRESS, PERSON_NAME, STREET_ADDRESS,
         DATE_OF_BIRTH, SECRET, URL_CREDENTIALS)

DEFAULT_SEED = 1234
POSITIVE_SHARE = 0.65


# ---------------------------------------------------------------------------------------------------------
# 1. Doc
# ---------------------------------------------------------------------------------------------------------

def utf16_len(s):
    """Length of s as a Java String: code points above U+FFFF take two UTF-16 code units."""
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


class Doc:
    """Text under construction: a list of (piece, type) pairs, type None for plain text."""
    __slots__ = ("parts",)

    def __init__(self, parts=()):
        self.parts = [p for p in parts if p[0]]

    def __add__(self, other):
        return Doc(self.parts + doc(other).parts)

    def __radd__(self, other):
        return Doc(doc(other).parts + self.parts)

    def text(self):
        return "".join(piece for piece, _ in self.parts)

    def spans(self):
        out, pos = [], 0
        for piece, kind in self.parts:
            n = utf16_len(piece)
            if kind is not None:
                out.append({"type": kind, "start": pos, "end": pos + n})
            pos += n
        return out

    def has_spans(self):
        return any(kind for _, kind in self.parts)


def doc(x):
    """A Doc from a Doc, a plain string, or None (empty)."""
    if isinstance(x, Doc):
        return x
    return Doc([] if x is None else [(str(x), None)])


def P(kind, value):
    """A labeled piece: value is exactly the sensitive substring."""
    assert kind in TYPES, kind
    assert value and value == value.strip(), repr(value)
    return Doc([(value, kind)])


def join(sep, xs):
    out = Doc()
    for i, x in enumerate(xs):
        out = out + (sep if i else "") + x
    return out


# A slot is a lower-case identifier in braces: {name}. Anything else in braces ({"json": 1}, ${VAR}, {})
# is literal text, so JSON and shell snippets can be written as they are.
SLOT = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def fill(template, **slots):
    """Template text with {slot}s replaced by Docs or strings (labels are kept, offsets are recomputed)."""
    parts, last = [], 0
    for m in SLOT.finditer(template):
        parts.append((template[last:m.start()], None))
        parts.extend(doc(slots[m.group(1)]).parts)
        last = m.end()
    parts.append((template[last:], None))
    return Doc(parts)


# ---------------------------------------------------------------------------------------------------------
# 2. random helpers
# ---------------------------------------------------------------------------------------------------------

DIGITS = string.digits
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
UPPER_NUM = string.ascii_uppercase + string.digits
B64URL = ALNUM + "-_"


def rs(r, alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))


def digits(r, n):
    return rs(r, DIGITS, n)


def nz_digits(r, n):
    """n digits, the first one not 0."""
    return r.choice("123456789") + digits(r, n - 1)


def chance(r, p):
    return r.random() < p


def pick(r, *options):
    return r.choice(options)


def wpick(r, pairs):
    """pairs: [(weight, value), ...]"""
    total = sum(w for w, _ in pairs)
    x = r.random() * total
    for w, v in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][1]


def strong_token(r, n, alphabet=ALNUM):
    """A high-entropy token of length n with upper, lower and digits, starting and ending alphanumeric."""
    while True:
        t = r.choice(ALNUM) + rs(r, alphabet, n - 2) + r.choice(ALNUM)
        if any(c.isupper() for c in t) and any(c.islower() for c in t) and sum(c.isdigit() for c in t) >= 2:
            return t


def b64(data, url=False, pad=True):
    s = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode("ascii")
    return s if pad else s.rstrip("=")


def rbytes(r, n):
    return bytes(r.getrandbits(8) for _ in range(n))


def luhn_ok(num):
    total = 0
    for i, c in enumerate(reversed(num)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix):
    """prefix + the one check digit that makes it Luhn-valid."""
    for c in DIGITS:
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError(prefix)


def group(s, sizes, sep):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(x for x in out if x)


# ---------------------------------------------------------------------------------------------------------
# 3. names
# ---------------------------------------------------------------------------------------------------------
# All given and family names below were written by hand for this corpus (common names of each culture,
# typed from general knowledge); no third-party name list or data set was used. "_" stands for a space
# inside one name ("María_José", "van_der_Meer"). English lists include words that are also ordinary words
# (Will, May, Rose, Mark, Bill, Hope, Dawn, Grant, Frank) on purpose: the negative families use those words
# in non-name senses.

def _w(s):
    return [w.replace("_", " ") for w in s.split()]


CULTURES = {
    "english": dict(
        f=_w("""Emily Olivia Charlotte Amelia Sophie Grace Hannah Rebecca Lauren Megan Chloe Abigail Madison
                Ashley Jennifer Katherine Rose May Hope Dawn Eleanor Harriet Imogen Bethany Tamsin Courtney"""),
        m=_w("""James Oliver William Harry Thomas Jack George Daniel Matthew Christopher Ryan Tyler Brandon
                Jordan Mark Bill Will Frank Grant Dean Stuart Callum Gareth Rhys Nathaniel Ethan"""),
        family=_w("""Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson
                White Harris Clark Lewis Robinson Walker Young Allen King Wright Hughes Evans Edwards Turner
                Parker Collins Bennett Whitaker Fairbanks Holloway Pemberton Ashworth"""),
        titles_m=["Mr.", "Mr", "Dr.", "Prof."], titles_f=["Ms.", "Mrs.", "Miss", "Dr.", "Ms"],
        style="western", hyphen=True),
    "hispanic": dict(
        f=_w("""María Carmen Lucía Sofía Valentina Camila Isabel Guadalupe Ximena Daniela Paula Alejandra
                Marisol Rocío Pilar Inmaculada Esperanza María_José Ana_Belén Luz_Marina Itzel Yolanda Beatriz
                Catalina"""),
        m=_w("""José Juan Luis Carlos Javier Miguel_Ángel Alejandro Diego Santiago Mateo Andrés Fernando
                Rodrigo Sergio Raúl Jesús Francisco Pablo Joaquín Álvaro Iñaki Gonzalo Emiliano Héctor"""),
        family=_w("""García Rodríguez Martínez López González Hernández Pérez Sánchez Ramírez Torres Flores
                Rivera Gómez Díaz Morales Jiménez Ruiz Álvarez Romero Navarro Domínguez Vázquez Castillo Ortega
                Delgado Mendoza Iglesias Cortés Guerrero Ibáñez Muñoz Peña Zúñiga Echeverría de_la_Cruz
                del_Río"""),
        titles_m=["Sr.", "Don", "Dr."], titles_f=["Sra.", "Srta.", "Doña", "Dra."],
        style="hispanic", hyphen=True),
    "portuguese": dict(
        f=_w("""Ana Beatriz Mariana Juliana Fernanda Larissa Gabriela Letícia Inês Joana Rita Matilde Conceição
                Fátima Luana Thaís Yasmin Raquel Bruna Camila Sílvia Ana_Clara Maria_Eduarda"""),
        m=_w("""João Pedro Lucas Gabriel Rafael Tiago Gonçalo Rodrigo Bruno Diogo André Vinícius Thiago Felipe
                Leonardo Caio Matheus Ricardo Márcio Sebastião João_Pedro Luiz_Fernando Antônio"""),
        family=_w("""Silva Santos Oliveira Souza Pereira Costa Ferreira Rodrigues Almeida Nascimento Lima
                Araújo Carvalho Gomes Ribeiro Martins Rocha Barbosa Cardoso Teixeira Moreira Correia Mendes Pinto
                Fonseca Magalhães Gonçalves Azevedo Cavalcanti da_Silva dos_Santos de_Souza da_Costa
                do_Nascimento"""),
        titles_m=["Sr.", "Dr."], titles_f=["Sra.", "Dra.", "D."],
        style="lusophone", hyphen=False),
    "french": dict(
        f=_w("""Camille Léa Chloé Manon Inès Élodie Amélie Céline Sandrine Nathalie Margaux Océane Anaïs
                Juliette Clémence Aurélie Françoise Geneviève Marie-Claire Anne-Sophie Hélène Maëlle Solène
                Brigitte"""),
        m=_w("""Jean Pierre Louis Hugo Théo Lucas Mathieu Nicolas Julien Antoine Baptiste Étienne François
                Jérôme Sébastien Benoît Guillaume Thibault Yannick Jean-Luc Jean-Baptiste Pierre-Yves Loïc
                Gaël"""),
        family=_w("""Martin Bernard Dubois Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel
                Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Chevalier Lemaire Gauthier
                Mercier Faure Beaulieu Lacroix de_la_Fontaine Le_Goff Bouchard Saint-Clair d'Aubigné
                de_Villiers"""),
        titles_m=["M.", "Monsieur", "Dr"], titles_f=["Mme", "Mme.", "Madame", "Mlle"],
        style="western", hyphen=True, caps_family=True),
    "german": dict(
        f=_w("""Anna Lena Lea Hannah Sophie Marie Katharina Johanna Franziska Jana Sabine Ursula Birgit Anke
                Heike Gisela Mareike Svenja Lieselotte Annegret Friederike Käthe Jutta"""),
        m=_w("""Lukas Jonas Leon Felix Maximilian Paul Florian Tobias Stefan Jürgen Uwe Klaus Dieter Matthias
                Sebastian Björn Jörg Günther Wolfgang Karl-Heinz Hans-Peter Fritz Ludwig Moritz"""),
        family=_w("""Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
                Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange
                Weiß Köhler Meißner Groß von_Bülow von_der_Heide zu_Salm Oberndörfer Strauß"""),
        titles_m=["Herr", "Hr.", "Dr.", "Prof. Dr."], titles_f=["Frau", "Fr.", "Dr."],
        style="western", hyphen=True),
    "italian": dict(
        f=_w("""Giulia Francesca Chiara Sara Martina Alessia Valentina Elisa Federica Giorgia Beatrice Ilaria
                Serena Rossella Antonella Lucrezia Ludovica Gaia Carla Donatella Maria_Grazia Annamaria"""),
        m=_w("""Giuseppe Marco Luca Alessandro Andrea Matteo Lorenzo Francesco Davide Simone Gabriele Riccardo
                Stefano Massimo Salvatore Vincenzo Gianluca Pierpaolo Gianfranco Niccolò Tommaso Carmine"""),
        family=_w("""Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
                De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi
                Caruso D'Angelo Di_Stefano De_Santis Lo_Presti La_Rosa Dell'Acqua"""),
        titles_m=["Sig.", "Dott.", "Ing.", "Avv."], titles_f=["Sig.ra", "Dott.ssa", "Sig.na"],
        style="western", hyphen=False),
    "dutch": dict(
        f=_w("""Sanne Emma Julia Lotte Femke Anouk Iris Fleur Eva Lieke Marieke Maaike Ingrid Wilhelmina Joke
                Annelies Floor Noor Roos Esmée"""),
        m=_w("""Daan Sem Lucas Bram Thijs Jesse Ruben Joost Pieter Maarten Jeroen Sjoerd Wouter Bas Gert-Jan
                Hendrik Koen Rutger Niels Stijn"""),
        family=_w("""de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer
                Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf
                van_der_Meer van_der_Linden Kok Jacobs de_Haan Vermeulen van_der_Heijden ter_Horst"""),
        titles_m=["dhr.", "Mr.", "Dr."], titles_f=["mevr.", "Ms.", "Dr."],
        style="western", hyphen=True),
    "polish": dict(
        f=_w("""Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Joanna Aleksandra Zofia
                Monika Dorota Grażyna Jadwiga Beata Żaneta Urszula Halina Wiktoria"""),
        m=_w("""Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz Grzegorz Mateusz Wojciech
                Mariusz Dariusz Zbigniew Jerzy Kazimierz Sławomir Bartosz Przemysław"""),
        family=_w("""Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak
                Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski
                Pawłowski Michalski Zając Król Wieczorek Jabłoński Wróbel Majewski Olszewski Stępień Dudek
                Wasilewski Zawadzki"""),
        titles_m=["Pan", "p.", "Mr."], titles_f=["Pani", "p.", "Ms."],
        style="western", hyphen=True, feminine="polish"),
    "russian_latin": dict(
        f=_w("""Anna Maria Yelena Olga Natalia Tatiana Irina Svetlana Yekaterina Anastasia Darya Polina Ksenia
                Yulia Lyudmila Galina Valentina Oksana Alyona Vera"""),
        m=_w("""Alexander Dmitry Sergei Andrei Alexei Ivan Mikhail Nikolai Vladimir Yevgeny Pavel Artyom Maxim
                Denis Kirill Konstantin Oleg Yuri Vyacheslav Grigory"""),
        family=_w("""Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov
                Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov
                Zaitsev Solovyov Vinogradov Belousov Tarasov Gusev Ostrovsky Zhukovsky"""),
        patronymics=[("Ivanovich", "Ivanovna"), ("Sergeyevich", "Sergeyevna"), ("Alexandrovich", "Alexandrovna"),
                     ("Nikolayevich", "Nikolayevna"), ("Vladimirovich", "Vladimirovna"),
                     ("Mikhailovich", "Mikhailovna"), ("Dmitriyevich", "Dmitriyevna"), ("Pavlovich", "Pavlovna")],
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."],
        style="russian", hyphen=False, feminine="russian_latin"),
    "russian_cyrillic": dict(
        f=_w("""Анна Мария Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Анастасия Дарья Полина Ксения
                Юлия Людмила Галина"""),
        m=_w("""Александр Дмитрий Сергей Андрей Алексей Иван Михаил Николай Владимир Евгений Павел Артём Максим
                Денис Кирилл Олег"""),
        family=_w("""Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
                Волков Лебедев Семёнов Егоров Павлов Козлов Степанов Орлов Андреев Макаров Зайцев Соловьёв
                Виноградов Островский"""),
        patronymics=[("Иванович", "Ивановна"), ("Сергеевич", "Сергеевна"), ("Александрович", "Александровна"),
                     ("Николаевич", "Николаевна"), ("Владимирович", "Владимировна"),
                     ("Михайлович", "Михайловна"), ("Дмитриевич", "Дмитриевна"), ("Павлович", "Павловна")],
        titles_m=["г-н"], titles_f=["г-жа"],
        style="russian", hyphen=False, feminine="russian_cyrillic", latin=False),
    "greek_latin": dict(
        f=_w("""Maria Eleni Aikaterini Vasiliki Sofia Angeliki Dimitra Georgia Konstantina Despina Christina
                Panagiota Evangelia Ioanna Kalliopi Theodora Paraskevi Stavroula Athina Chrysa"""),
        m=_w("""Georgios Dimitrios Konstantinos Ioannis Nikolaos Panagiotis Vasileios Christos Athanasios
                Michail Evangelos Spyridon Theodoros Stavros Apostolos Kyriakos Thanasis Nikos Giannis Kostas"""),
        family=_w("""Papadopoulos Papadakis Georgiou Nikolaidis Oikonomou Karagiannis Vlachos Dimitriou
                Konstantinidis Makris Pappas Ioannidis Angelopoulos Alexiou Christodoulou Theodorou Karamanlis
                Papandreou Antonopoulos Stavropoulos Lambrakis Kouris Zervas Galanis"""),
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."],
        style="western", hyphen=False, feminine="greek_latin"),
    "greek_script": dict(
        f=_w("Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Δήμητρα Γεωργία Δέσποινα Χριστίνα Ιωάννα Θεοδώρα"),
        m=_w("Γιώργος Δημήτρης Κωνσταντίνος Γιάννης Νίκος Παναγιώτης Βασίλης Χρήστος Θανάσης Μιχάλης Σπύρος Σταύρος"),
        family=_w("""Παπαδόπουλος Παπαδάκης Γεωργίου Νικολαΐδης Οικονόμου Καραγιάννης Βλάχος Δημητρίου Μακρής
                Παππάς Ιωαννίδης Αλεξίου"""),
        titles_m=["κ."], titles_f=["κα"],
        style="western", hyphen=False, feminine="greek_script", latin=False),
    "turkish": dict(
        f=_w("""Ayşe Fatma Emine Hatice Zeynep Elif Merve Büşra Esra Özlem Gülşen Şule Derya Ebru Selin İpek
                Nazlı Ceren Dilek Tuğba"""),
        m=_w("""Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Oğuz Çağatay Serkan Kerem Barış
                Uğur Yiğit Tolga Ömer Gökhan"""),
        family=_w("""Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan
                Çetin Kara Koç Kurt Özkan Şimşek Polat Erdoğan Güneş Aksoy Bulut Karataş Tekin Ünal"""),
        titles_m=["Bay", "Sayın", "Dr."], titles_f=["Bayan", "Sayın", "Dr."],
        style="western", hyphen=False),
    "arabic": dict(
        f=_w("""Fatima Aisha Maryam Noura Layla Huda Rania Salma Yasmin Amira Dalia Hana Lina Reem Zainab
                Samira Nadia Mona Rasha Sara Ghada Lubna"""),
        m=_w("""Mohammed Ahmed Ali Omar Khalid Yousef Hassan Hussein Ibrahim Abdullah Abdulrahman Tariq Karim
                Faisal Hamza Mahmoud Mustafa Saeed Walid Nasser Ziad Samir Rashid Majid"""),
        family=_w("""al-Rashid Al-Mansouri El-Sayed Haddad Khoury Nasser Saleh Hamdan al-Farsi Al_Hashimi
                Abdel-Aziz Mansour Barakat Qasim al-Amin El_Masri Hijazi Kanaan Suleiman Darwish Awad
                al-Zahrani Al-Otaibi Jaber Shaheen Abu_Hamdan"""),
        titles_m=["Mr.", "Dr.", "Sheikh"], titles_f=["Ms.", "Mrs.", "Dr."],
        style="arabic", hyphen=False),
    "persian": dict(
        f=_w("""Maryam Zahra Fatemeh Parisa Shirin Nasrin Leila Sara Mahsa Niloufar Golnar Azadeh Roya Yasaman
                Setareh Ladan Mina Shadi Farnaz Bahar"""),
        m=_w("""Reza Mohammad Ali Hossein Mehdi Amir Hamid Saeed Arash Babak Dariush Farhad Kaveh Kourosh Omid
                Payam Siavash Behrouz Navid Pouya"""),
        family=_w("""Mohammadi Hosseini Ahmadi Rezaei Moradi Karimi Jafari Rahimi Hashemi Sadeghi Ghorbani
                Kazemi Tehrani Shirazi Esfahani Rostami Farahani Najafi Abbasi Soltani Zand Golestani Amini
                Bagheri Mousavi"""),
        titles_m=["Mr.", "Dr.", "Agha"], titles_f=["Ms.", "Mrs.", "Dr.", "Khanom"],
        style="western", hyphen=False),
    "hindi": dict(
        f=_w("""Priya Ananya Aditi Pooja Neha Kavya Shreya Diya Isha Sneha Ritu Sunita Anjali Meera Nandini
                Pallavi Swati Deepika Aishwarya Radhika"""),
        m=_w("""Aarav Vivaan Arjun Rohan Rahul Amit Vikram Suresh Rajesh Sanjay Anil Manish Nikhil Abhishek
                Harsh Kunal Siddharth Varun Ayaan Dev"""),
        family=_w("""Sharma Verma Gupta Singh Kumar Agarwal Mehta Joshi Patel Shah Chauhan Yadav Mishra Pandey
                Tiwari Srivastava Malhotra Kapoor Khanna Bhatia Saxena Jain Reddy Nair Iyer Desai Kulkarni
                Deshmukh Chopra"""),
        titles_m=["Mr.", "Shri", "Dr."], titles_f=["Ms.", "Mrs.", "Smt.", "Dr."],
        style="western", hyphen=False),
    "tamil": dict(
        f=_w("""Lakshmi Priyanka Divya Kavitha Meenakshi Revathi Saranya Anitha Gayathri Vaishnavi Nithya
                Keerthana Shalini Malathi Bhuvana Ilakkiya Tamilselvi Yamuna Sangeetha Janani"""),
        m=_w("""Karthik Arun Senthil Murugan Vignesh Saravanan Prakash Ramesh Balaji Dinesh Ganesh Harish
                Manikandan Rajkumar Selvam Sivakumar Surya Venkatesh Vijay Thiru"""),
        family=_w("""Subramanian Krishnan Ramasamy Venkataraman Natarajan Sundaram Palaniappan Annamalai
                Rajendran Chandrasekaran Balasubramanian Srinivasan Raghavan Narayanan Govindarajan Pillai
                Iyengar Mudaliar Kannan Arumugam Velu Muthusamy Anbalagan Thangaraj"""),
        titles_m=["Mr.", "Thiru", "Dr."], titles_f=["Ms.", "Mrs.", "Selvi", "Dr."],
        style="tamil", hyphen=False),
    "bengali": dict(
        f=_w("""Ananya Moumita Sharmila Rituparna Tanushree Debjani Sayani Payel Mousumi Madhurima Nabanita
                Sreeparna Arpita Trisha Oindrila Sudeshna Rupa Tania Shreya Bipasha"""),
        m=_w("""Sourav Arnab Debashish Subhajit Anirban Partha Sandip Abhijit Pritam Rajib Sayan Tanmoy Amitava
                Saikat Indranil Sudipto Kaushik Arijit Rabindra Sumanta"""),
        family=_w("""Chatterjee Banerjee Mukherjee Bhattacharya Chakraborty Ganguly Sen Dasgupta Ghosh Bose Basu
                Roy Das Dutta Mitra Sarkar Saha Majumdar Chowdhury Haldar Pal Biswas Sengupta Bagchi Lahiri"""),
        titles_m=["Mr.", "Sri", "Dr."], titles_f=["Ms.", "Mrs.", "Smt.", "Dr."],
        style="western", hyphen=False),
    "chinese_pinyin": dict(
        f=_w("""Fang Na Min Jing Li Yan Xiuying Meiling Xinyi Jiahui Lihua Yufei Shuang Zihan Ting Xue Lan
                Hui Qian Yun"""),
        m=_w("""Wei Qiang Lei Jun Yang Jie Tao Ming Chao Xiaoming Jianguo Haoran Yuxuan Yichen Zhiwei Guoqiang
                Hao Bo Peng Zhen"""),
        family=_w("""Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng
                Liang Xie Song Tang Han Feng Deng Cao Zeng Ouyang Sima"""),
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."],
        style="east_asian_latin", hyphen=False),
    "chinese_han": dict(
        f=_w("芳 娜 敏 静 丽 艳 秀英 美玲 欣怡 佳慧 丽华 雨菲 爽 子涵 婷 雪 兰 慧 倩 芸"),
        m=_w("伟 强 磊 军 洋 杰 涛 明 超 晓明 建国 浩然 宇轩 一晨 志伟 国强 浩 博 鹏 振"),
        family=_w("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 韩 冯 邓 曹 曾 欧阳 司马"),
        suffix_m=["先生"], suffix_f=["女士", "小姐"],
        style="cjk", hyphen=False, latin=False),
    "japanese_romaji": dict(
        f=_w("""Yuki Sakura Haruka Aoi Yui Hina Misaki Nanami Ayaka Emi Keiko Yoko Naoko Tomoko Rin Mei Kaori
                Megumi Chihiro Mio"""),
        m=_w("""Hiroshi Takashi Kenji Haruto Sota Yuto Ren Daiki Kenta Shota Takumi Ryota Kazuki Akira Satoshi
                Tetsuya Yusuke Naoki Shinji Ichiro"""),
        family=_w("""Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada
                Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto
                Ishikawa Ogawa Fujita Okada Goto Hasegawa Saito Kondo"""),
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."], suffix_m=["-san", "-sama"], suffix_f=["-san", "-sama"],
        style="east_asian_latin", hyphen=False),
    "japanese_kanji": dict(
        f=_w("由紀 さくら 遥 葵 結衣 陽菜 美咲 七海 彩花 恵美 恵子 洋子 直子 智子 凛 芽衣 香織 恵 千尋 澪"),
        m=_w("浩 隆 健二 陽翔 蒼太 悠斗 蓮 大輝 健太 翔太 拓海 亮太 和樹 明 聡 哲也 雄介 直樹 真司 一郎"),
        # 𠮷 (U+20BB7, outside the BMP) is the variant of 吉 many Yoshida families write: two UTF-16 units.
        family=_w("""佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 清水
                山崎 森 阿部 池田 橋本 石川 小川 藤田 岡田 後藤 長谷川 𠮷田 𠮷川 𠮷岡"""),
        suffix_m=["様", "さん"], suffix_f=["様", "さん"],
        style="cjk", hyphen=False, latin=False, cjk_space=True),
    "korean_romanized": dict(
        f=_w("""Seo-yeon Ji-woo Ha-eun Su-bin Ye-jin Eun-ji Min-seo Soo-ah Yoo-na Hye-jin Ji-yoon Da-eun
                So-yeon Chae-won Hyun-jung"""),
        m=_w("""Min-jun Ji-hoon Do-yun Seo-jun Hyun-woo Jae-won Joon-ho Dong-hyun Tae-yang Sung-min Jin-woo
                Sang-hoon Young-ho Kyung-soo Woo-jin"""),
        family=_w("""Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong
                Jeon Ko Moon Yang Baek"""),
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."],
        style="east_asian_latin", hyphen=False),
    "korean_hangul": dict(
        f=_w("서연 지우 하은 수빈 예진 은지 민서 수아 유나 혜진 지윤 다은 소연 채원 현정"),
        m=_w("민준 지훈 도윤 서준 현우 재원 준호 동현 태양 성민 진우 상훈 영호 경수 우진"),
        family=_w("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 유 홍 남궁 선우"),
        suffix_m=["님", "씨"], suffix_f=["님", "씨"],
        style="cjk", hyphen=False, latin=False),
    "vietnamese": dict(
        f=_w("""An Anh Châu Giang Hà Hạnh Hoa Hương Lan Linh Mai Ngọc Nhung Phương Quỳnh Tâm Thảo Trang Vy
                Yến"""),
        m=_w("""An Bảo Dũng Hải Hiếu Hùng Khánh Long Nam Phong Phúc Quân Sơn Tuấn Thắng Trung Việt Đức Minh
                Cường"""),
        family=_w("""Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lương
                Trịnh"""),
        middle_m=_w("Văn Hữu Đức Minh Quang Gia Bảo Thanh Xuân"),
        middle_f=_w("Thị Ngọc Thu Hoài Thanh Minh Bảo Xuân Anh"),
        titles_m=["Mr.", "Ông"], titles_f=["Ms.", "Bà", "Chị"],
        style="vietnamese", hyphen=False),
    "yoruba": dict(
        f=_w("""Folasade Adebimpe Titilayo Omolara Yetunde Funmilayo Abimbola Bukola Temitope Morenike Adeola
                Oluwakemi Ibukunoluwa Damilola Simisola Ayodele Iyabo Kehinde Taiwo Oluwaseun"""),
        m=_w("""Oluwaseun Adebayo Babatunde Olumide Oluwafemi Ayodeji Kayode Olusegun Adewale Tunde Oladipo
                Femi Gbenga Segun Akinwale Olatunji Idowu Dapo Kolawole Ademola"""),
        family=_w("""Adebayo Adeyemi Ogunleye Balogun Adewale Ogunbanjo Oyelaran Akinyemi Olawale Fashola
                Adeleke Oyinlola Babalola Ogundipe Akande Afolabi Olaniyan Bankole Aderinto Ilesanmi Oyebanji
                Odunsi Ajayi Alabi Olatunji"""),
        titles_m=["Mr.", "Chief", "Dr.", "Engr."], titles_f=["Mrs.", "Ms.", "Dr.", "Chief"],
        style="western", hyphen=False),
    "igbo": dict(
        f=_w("""Ngozi Chiamaka Adaeze Chinonso Nneka Ifeoma Obiageli Chioma Uchenna Amarachi Ebele Ogechi
                Nkechi Chinyere Ijeoma Ozioma Adanna Kosisochukwu Somtochukwu Onyinyechi"""),
        m=_w("""Chinedu Chukwuemeka Obinna Ikenna Emeka Nnamdi Chidi Uchenna Okechukwu Ifeanyi Kelechi Chibuzo
                Ebuka Tochukwu Nonso Somadina Chijioke Obiora Ugochukwu Onyekachi"""),
        family=_w("""Okafor Okonkwo Eze Nwosu Okeke Obi Nwachukwu Okoro Onyekwere Chukwu Ibe Nnaji Ugwu Obiora
                Anyanwu Ezeh Nwankwo Okoye Agu Igwe Madu Onuoha Ogbonna Ejiofor Uzoma"""),
        titles_m=["Mr.", "Chief", "Dr.", "Barr."], titles_f=["Mrs.", "Ms.", "Dr.", "Lolo"],
        style="western", hyphen=False),
    "kenyan": dict(
        f=_w("""Wanjiru Achieng Atieno Akinyi Nyambura Wambui Njeri Zawadi Amani Neema Imani Mwanaisha Halima
                Rehema Wairimu Adhiambo Chebet Jepkosgei Nafula Nekesa"""),
        m=_w("""Otieno Ochieng Kamau Mwangi Kipchoge Kiprono Baraka Juma Omondi Mutua Kiprotich Wafula Barasa
                Njoroge Githinji Odhiambo Onyango Hamisi Bakari Jabari"""),
        family=_w("""Kamau Mwangi Odhiambo Otieno Njoroge Kariuki Mutua Wanjala Kipkemboi Chepkoech Ochieng
                Omondi Wekesa Onyango Kimani Macharia Gitau Muriuki Nyaga Kiprop Korir Rotich Langat Mwakilema
                Salim"""),
        titles_m=["Mr.", "Bw.", "Dr."], titles_f=["Mrs.", "Ms.", "Bi.", "Dr."],
        style="western", hyphen=False),
    "ethiopian": dict(
        f=_w("""Tigist Meron Selam Hiwot Bethlehem Mekdes Tsion Rahel Eden Liya Saba Helen Aster Almaz Genet
                Tirunesh Meseret Yordanos Kidist Hanna"""),
        m=_w("""Abebe Dawit Tesfaye Haile Bekele Getachew Yohannes Solomon Samuel Kebede Mulugeta Girma Tewodros
                Yared Fikru Biniam Henok Natnael Ermias Berhanu"""),
        # the second name is the father's given name, so it comes from the same pool as given names
        family=_w("""Bikila Haile Tesfaye Alemu Bekele Gebremariam Mekonnen Wolde Tadesse Kebede Desta Girma
                Assefa Abera Lemma Negash Worku Gebre Tsegaye Demissie Ayele Mengistu Hailu Gebreyes"""),
        titles_m=["Ato", "Mr.", "Dr."], titles_f=["W/ro", "W/rt", "Ms.", "Dr."],
        style="western", hyphen=False),
    "ethiopian_geez": dict(
        f=_w("ሰላም ሕይወት መቅደስ ሔለን ሳባ ትዕግሥት ራሔል ፀሐይ"),
        m=_w("አበበ ዳዊት ተስፋዬ ኃይሌ ዮሐንስ ሰሎሞን ግርማ ተወልደ"),
        family=_w("ቢቂላ አለሙ በቀለ ከበደ ገብረማርያም መኮንን ወልዴ ታደሰ ደስታ አሰፋ"),
        titles_m=["አቶ"], titles_f=["ወ/ሮ"],
        style="western", hyphen=False, latin=False),
    "indonesian": dict(
        f=_w("""Siti Dewi Sri Putri Ayu Rina Wulan Indah Fitri Kartika Nurul Ratna Endang Yuliana Intan Lestari
                Melati Anggun Ratih Puspita"""),
        m=_w("""Budi Agus Bambang Joko Andi Rizky Dimas Hendra Eko Arif Fajar Teguh Wahyu Yusuf Bayu Reza Dwi
                Adi Slamet Hadi"""),
        family=_w("""Santoso Wijaya Saputra Pratama Hidayat Kusuma Setiawan Nugroho Gunawan Susanto Wibowo Halim
                Siregar Nasution Simanjuntak Lubis Sihombing Tanjung Hutapea Harahap Purnomo Sutanto Permana
                Hartono Rahman"""),
        titles_m=["Bapak", "Pak", "Mr.", "Dr."], titles_f=["Ibu", "Bu", "Ms.", "Dr."],
        style="indonesian", hyphen=False),
    "filipino": dict(
        f=_w("""Maria Angelica Kristine Jasmine Princess Mary_Grace Ma._Theresa Joy Jennylyn Marites Rowena
                Lovely Cherry Maricel Analyn Rhea Jocelyn Divina Luzviminda Chona"""),
        m=_w("""Jose Juan Mark_Anthony John_Paul Jerome Rommel Ferdinand Emmanuel Reynaldo Rodrigo Jericho Paolo
                Bong Christian Noel Ramil Arnel Dindo Nestor Jun"""),
        family=_w("""Dela_Cruz dela_Cruz Santos Reyes Bautista Garcia Mendoza Ramos Aquino Villanueva Castillo
                Gonzales Mercado Soriano Navarro Manalo Pangilinan Macapagal Tolentino Dimaculangan Batungbakal
                Magsaysay de_los_Santos Evangelista Salazar"""),
        titles_m=["Mr.", "Engr.", "Atty.", "Dr."], titles_f=["Ms.", "Mrs.", "Atty.", "Dr."],
        style="filipino", hyphen=False),
    "scandinavian": dict(
        f=_w("""Åsa Ingrid Astrid Sigrid Maja Freja Ida Linnea Elin Karin Solveig Birgitta Ingeborg Ragnhild
                Tove Liv Kjersti Signe Malin Märta Ebba Hedda"""),
        m=_w("""Bjørn Søren Lars Anders Erik Magnus Nils Gustav Oskar Henrik Jørgen Kjell Torbjørn Sven Per Åke
                Leif Rasmus Mikkel Håkon Jens Ole"""),
        family=_w("""Sørensen Jørgensen Lindqvist Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsen
                Hansen Pedersen Nielsen Christensen Løvaas Bråten Strøm Dahl Holm Berg Lindström Sjöberg Åberg
                Ångström Kjærgaard Næss Bjørklund Fjeld Haugland Ødegård"""),
        titles_m=["Mr.", "Hr.", "Dr."], titles_f=["Ms.", "Fru", "Dr."],
        style="western", hyphen=True),
    "hungarian": dict(
        f=_w("""Anna Eszter Katalin Zsófia Réka Ildikó Erzsébet Judit Krisztina Orsolya Tünde Ágnes Boglárka
                Csilla Dóra Enikő Gyöngyi Noémi Zsuzsanna Hajnalka"""),
        m=_w("""Péter László István József Zoltán Gábor Attila Tamás Balázs Gergely Zsolt Ferenc Csaba Levente
                Bence Dániel Ákos Miklós Sándor Gyula"""),
        family=_w("""Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász
                Lakatos Mészáros Oláh Rácz Fekete Szilágyi Török Fehér Gál Szűcs Kocsis Pintér Bíró Hegedűs"""),
        titles_m=["Mr.", "dr."], titles_f=["Ms.", "dr."],
        style="hungarian", hyphen=False),
    "irish": dict(
        f=_w("""Siobhán Aoife Niamh Saoirse Caoimhe Róisín Orla Clodagh Sinéad Aisling Gráinne Ciara Máire
                Éabha Deirdre Bríd Fionnuala Nuala Úna Eimear"""),
        m=_w("""Seán Ciarán Cian Oisín Pádraig Darragh Eoin Cathal Dónal Ruairí Tadhg Fionn Colm Diarmuid Lorcan
                Ronan Declan Eamon Liam Conor"""),
        family=_w("""O'Brien O'Sullivan O'Connor O'Neill O'Reilly O'Donnell O'Mahony McCarthy McLoughlin McGrath
                MacNamara McDonagh Mac_Giolla_Phádraig Ó_Súilleabháin Ó_Ceallaigh Murphy Kelly Walsh Byrne Ryan
                Doyle Gallagher Quinn Fitzgerald Kavanagh"""),
        titles_m=["Mr.", "Dr."], titles_f=["Ms.", "Mrs.", "Dr."],
        style="western", hyphen=True),
}

# How often each culture is drawn (the rest of the corpus is international on purpose).
CULTURE_WEIGHTS = {
    "english": 10, "hispanic": 6, "portuguese": 4, "french": 4, "german": 4, "italian": 3, "dutch": 3,
    "polish": 3, "russian_latin": 3, "russian_cyrillic": 2, "greek_latin": 2, "greek_script": 1, "turkish": 3,
    "arabic": 4, "persian": 2, "hindi": 4, "tamil": 2, "bengali": 2, "chinese_pinyin": 4, "chinese_han": 2,
    "japanese_romaji": 3, "japanese_kanji": 2, "korean_romanized": 3, "korean_hangul": 2, "vietnamese": 3,
    "yoruba": 2, "igbo": 2, "kenyan": 2, "ethiopian": 2, "ethiopian_geez": 1, "indonesian": 2, "filipino": 2,
    "scandinavian": 3, "hungarian": 2, "irish": 3,
}


def feminine(rule, family):
    """Feminine surname form for languages where surnames agree with gender."""
    if rule == "polish":
        for m, f in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if family.endswith(m):
                return family[:-len(m)] + f
        return family
    if rule == "russian_latin":
        if family.endswith("sky"):
            return family[:-3] + "skaya"
        if family.endswith(("ov", "ev", "in", "yov")):
            return family + "a"
        return family
    if rule == "russian_cyrillic":
        if family.endswith("ский"):
            return family[:-4] + "ская"
        if family.endswith(("ов", "ев", "ёв", "ин")):
            return family + "а"
        return family
    if rule == "greek_latin":
        for m, f in (("os", "ou"), ("is", "i"), ("as", "a")):
            if family.endswith(m):
                return family[:-2] + f
        return family
    if rule == "greek_script":
        for m, f in (("ος", "ου"), ("ός", "ού"), ("ης", "η"), ("ής", "ή"), ("άς", "ά"), ("ας", "α")):
            if family.endswith(m):
                return family[:-2] + f
        return family
    return family


FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d",
                      "Đ": "D", "ı": "i", "œ": "oe", "þ": "th", "'": "", "’": ""})


def ascii_fold(s):
    """Latin name to plain ASCII for e-mail local parts; '' for other scripts."""
    s = unicodedata.normalize("NFKD", s.translate(FOLD))
    return "".join(c for c in s if c.isascii() and (c.isalnum() or c in " -."))


@dataclass
class Person:
    culture: str
    gender: str          # "f" or "m"
    given: str
    family: str          # "" for a mononym
    full: str            # the name as usually written in its culture
    family_first: bool
    latin: bool

    def ascii_given(self):
        given = self.given
        if self.culture.startswith("russian") or given.endswith("."):
            given = given.split(" ")[0]  # drop the patronymic or the middle initial
        return ascii_fold(given).replace(" ", "").replace(".", "")

    def ascii_family(self):
        return ascii_fold(self.family).replace(" ", "").replace(".", "")


def person(r, culture=None):
    if culture is None:
        culture = wpick(r, [(w, c) for c, w in CULTURE_WEIGHTS.items()])
    c = CULTURES[culture]
    gender = pick(r, "f", "m")
    given = r.choice(c[gender])
    family = r.choice(c["family"])
    if gender == "f" and "feminine" in c:
        family = feminine(c["feminine"], family)
    style = c["style"]
    family_first = False
    if style == "hispanic" and chance(r, 0.6):
        family = family + " " + r.choice([f for f in c["family"] if f != family])
    elif style == "lusophone" and chance(r, 0.6):
        family = r.choice(c["family"]) + " " + family
        if family.split()[-1] == family.split()[0]:
            family = family.split()[-1]
    elif style == "russian" and chance(r, 0.25):
        pm, pf = r.choice(c["patronymics"])
        given = given + " " + (pf if gender == "f" else pm)
    elif style == "arabic" and gender == "m" and chance(r, 0.25):
        family = pick(r, "bin", "ibn") + " " + r.choice(c["m"]) + " " + family
    elif style == "arabic" and gender == "f" and chance(r, 0.15):
        family = "bint " + r.choice(c["m"]) + " " + family
    elif style == "vietnamese":
        given = r.choice([m for m in c["middle_" + gender] if m != given]) + " " + given
        family_first = True
    elif style == "hungarian":
        family_first = chance(r, 0.7)
    elif style == "east_asian_latin":
        family_first = chance(r, 0.5)
    elif style == "cjk":
        family_first = True
    elif style == "indonesian" and chance(r, 0.15):
        family = ""  # mononym, e.g. "Suharti"
    elif style == "filipino" and chance(r, 0.3):
        given = given + " " + r.choice(c["family"])[0].upper() + "."  # middle initial (mother's surname)
    elif style == "tamil" and chance(r, 0.2):
        # initial-first Tamil style: father's initial, then the given name ("R. Karthik")
        family_first = True
        family = r.choice(string.ascii_uppercase) + "."
    if c.get("hyphen") and chance(r, 0.08):
        other = r.choice(c["family"])
        if gender == "f" and "feminine" in c:
            other = feminine(c["feminine"], other)
        if " " not in family and other != family:
            family = family + "-" + other
    if style == "western" and culture == "english" and chance(r, 0.15):
        given = given + " " + r.choice(string.ascii_uppercase) + "."
    if not family:
        full = given
    elif style == "cjk":
        sep = "" if culture != "japanese_kanji" else pick(r, "", " ", "\u3000")
        full = family + sep + given
    elif family_first:
        full = family + " " + given
    else:
        full = given + " " + family
    return Person(culture, gender, given, family, full, family_first, c.get("latin", True))


def name_doc(r, p=None, titled=None, style=None):
    """A person's name as it might be written, with an optional title (never part of the span).

    style: None (random), "full", "formal" (family name with title), "given", "comma" (Family, Given),
    "caps" (FAMILY Given, French/administrative)."""
    p = p or person(r)
    c = CULTURES[p.culture]
    if style is None:
        style = wpick(r, [(75, "full"), (8, "formal"), (5, "comma"), (5, "caps"), (7, "initial")])
    latin_western = p.latin and not p.family_first and p.family and c["style"] not in ("tamil",)
    if style in ("comma", "caps", "initial") and not latin_western:
        style = "full"
    if style == "formal" and (not p.family or p.family.endswith(".")):
        style = "full"
    if titled is None:
        titled = style == "formal" or chance(r, 0.12)
    if style == "full":
        name = p.full
    elif style == "formal":
        name = p.family
    elif style == "given":
        words = p.given.split(" ")
        name = words[-1] if p.culture == "vietnamese" else words[0] if words[-1].endswith(".") else p.given
    elif style == "comma":
        name = p.family + ", " + p.given
    elif style == "initial":
        name = p.given[0] + ". " + p.family
    else:  # caps
        name = p.family.upper() + " " + p.given if chance(r, 0.7) else p.given + " " + p.family.upper()
    if titled and style != "given":
        suffixes = c.get("suffix_" + p.gender)
        titles = c.get("titles_" + p.gender)
        if suffixes and (not titles or chance(r, 0.6)):
            suffix = r.choice(suffixes)
            if suffix.startswith("-"):
                # romaji honorific suffix: only on a bare family name ("Tanaka-san")
                return P(PERSON_NAME, p.family) + suffix
            return P(PERSON_NAME, name) + suffix
        if titles:
            return r.choice(titles) + " " + P(PERSON_NAME, name)
    return P(PERSON_NAME, name)


# ---------------------------------------------------------------------------------------------------------
# 4. value generators: each returns a plain string (…_value) or a labeled Doc
# ---------------------------------------------------------------------------------------------------------

# --- e-mail ------------------------------------------------------------------------------------------------

PERSONAL_DOMAINS = [
    "gmail.com", "outlook.com", "yahoo.com", "hotmail.co.uk", "web.de", "gmx.de", "gmx.at", "orange.fr",
    "free.fr", "libero.it", "uol.com.br", "bol.com.br", "yahoo.co.jp", "naver.com", "qq.com", "163.com",
    "mail.ru", "yandex.ru", "rediffmail.com", "proton.me", "icloud.com", "wp.pl", "o2.pl", "t-online.de",
    "bigpond.com", "shaw.ca", "ziggo.nl", "btinternet.com", "telkomsa.net", "yahoo.com.mx", "eircom.net",
]
WORK_DOMAINS = [
    "example.com", "example.org", "example.net", "acme-corp.io", "northwind.co.uk", "globex.de",
    "initech.com", "contoso.com.au", "umbrella-labs.jp", "stark-industries.in", "helios.com.br",
    "lumen-health.org", "vandelay.nl", "wayne-ent.com", "kestrel.fr", "soylent.es", "hooli.xyz",
    "piedpiper.dev", "bluth.co", "cyberdyne.ai", "tyrell.example", "oceanic-air.travel", "monarch.coop",
]
SUBDOMAINS = ["mail.", "eng.", "corp.", "students.", "us.", "eu.", "hr."]


ROMANIZED = {"chinese_han": "chinese_pinyin", "japanese_kanji": "japanese_romaji",
             "korean_hangul": "korean_romanized", "russian_cyrillic": "russian_latin",
             "greek_script": "greek_latin", "ethiopian_geez": "ethiopian"}


def email_value(r, p=None):
    p = p or person(r)
    if not p.latin:
        p = person(r, ROMANIZED[p.culture])
    g, f = p.ascii_given().lower(), p.ascii_family().lower()
    if not f:
        local = g + digits(r, r.randint(2, 4))
    else:
        local = wpick(r, [
            (30, f"{g}.{f}"), (10, f"{g[0]}{f}"), (6, f"{g}{f[0]}"), (6, f"{g}_{f}"), (6, f"{f}.{g}"),
            (8, f"{g}{r.randint(70, 99)}"), (6, f"{g}.{f}{r.randint(1, 99)}"),
            (5, f"{g}+{pick(r, 'shop', 'news', 'amazon', 'bank', 'x')}"), (5, f"{g}-{f}"),
            (4, f"{f}{g[0]}{r.randint(1, 9)}"), (3, f"{g[0]}.{f}"), (3, f"{g}.{f[0]}"),
        ])
    local = local.strip(".-_") or "user" + digits(r, 3)
    if chance(r, 0.45):
        domain = r.choice(WORK_DOMAINS)
        if chance(r, 0.2):
            domain = r.choice(SUBDOMAINS) + domain
    else:
        domain = r.choice(PERSONAL_DOMAINS)
    addr = local + "@" + domain
    if chance(r, 0.06):
        addr = ".".join(w.capitalize() for w in local.split(".")) + "@" + domain
    elif chance(r, 0.03):
        addr = addr.upper()
    return addr


def email(r, p=None):
    return P(EMAIL, email_value(r, p))


# --- phone -------------------------------------------------------------------------------------------------
# Numbers follow each country's numbering plan (prefixes and lengths); formats are the usual national and
# international ways of writing them.

US_AREAS = ["201", "202", "212", "213", "305", "312", "404", "415", "469", "503", "512", "617", "646", "702",
            "713", "786", "818", "917", "929", "971", "206", "303", "602", "615", "919", "608", "800", "888"]
CA_AREAS = ["416", "647", "437", "604", "778", "514", "438", "403", "587", "613", "902", "204", "780"]


def phone_nanp(r, canada=False):
    a = r.choice(CA_AREAS if canada else US_AREAS)
    e = r.choice("23456789") + digits(r, 2)
    if e[1:] == "11":
        e = e[0] + "21"
    n = digits(r, 4)
    return wpick(r, [(25, f"({a}) {e}-{n}"), (20, f"{a}-{e}-{n}"), (8, f"{a}.{e}.{n}"), (12, f"+1 {a} {e} {n}"),
                     (8, f"+1-{a}-{e}-{n}"), (8, f"+1 ({a}) {e}-{n}"), (5, f"1-{a}-{e}-{n}"), (8, f"+1{a}{e}{n}"),
                     (6, f"{a} {e} {n}")])


def phone_uk(r):
    kind = pick(r, "mobile", "mobile", "london", "city")
    if kind == "mobile":
        s = "7" + r.choice("1234579") + digits(r, 8)
        a, b = s[:4], s[4:]
        return pick(r, f"0{a} {b}", f"0{a}{b}", f"+44 {a} {b}", f"+44 (0){a} {b}", f"+44{s}", f"+44 {a} {b[:3]} {b[3:]}")
    if kind == "london":
        s = "20" + r.choice("378") + digits(r, 7)
        return pick(r, f"0{s[:2]} {s[2:6]} {s[6:]}", f"+44 {s[:2]} {s[2:6]} {s[6:]}", f"+44 (0){s[:2]} {s[2:6]} {s[6:]}",
                    f"(0{s[:2]}) {s[2:6]} {s[6:]}", f"+44{s}")
    a = r.choice(["161", "121", "113", "117", "131", "141", "151", "114", "115", "116", "118"])
    s = r.choice("23456789") + digits(r, 6)
    return pick(r, f"0{a} {s[:3]} {s[3:]}", f"+44 {a} {s[:3]} {s[3:]}", f"(0{a}) {s[:3]} {s[3:]}", f"+44{a}{s}")


def phone_de(r):
    if chance(r, 0.55):
        pre = r.choice(["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175",
                        "176", "177", "178", "179"])
        sub = digits(r, 8 if pre.startswith("15") or pre in ("176", "179") else 7)
    else:
        pre, n = r.choice([("30", 8), ("89", 8), ("40", 8), ("69", 8), ("221", 7), ("711", 7), ("211", 7), ("341", 7)])
        sub = r.choice("123456789") + digits(r, n - 1)
    return wpick(r, [(20, f"0{pre} {sub}"), (10, f"0{pre}/{sub}"), (8, f"0{pre}-{sub}"), (20, f"+49 {pre} {sub}"),
                     (8, f"+49 (0){pre} {sub}"), (10, f"+49{pre}{sub}"), (6, f"+49 {pre} {sub[:3]} {sub[3:]}"),
                     (5, f"0049 {pre} {sub}")])


def phone_fr(r):
    first = wpick(r, [(40, "6"), (20, "7"), (10, "1"), (8, "2"), (8, "3"), (7, "4"), (7, "5"), (5, "9")])
    s = first + digits(r, 8)
    pairs = " ".join(s[i:i + 2] for i in range(1, 9, 2))
    return wpick(r, [(30, f"0{first} {pairs}"), (15, f"0{first}.{pairs.replace(' ', '.')}"), (10, f"0{s}"),
                     (25, f"+33 {first} {pairs}"), (8, f"+33 (0){first} {pairs}"), (10, f"+33{s}"),
                     (5, f"0{first}-{pairs.replace(' ', '-')}")])


def phone_es(r):
    s = wpick(r, [(50, "6" + digits(r, 8)), (10, "7" + r.choice("1234") + digits(r, 7)),
                  (20, "91" + digits(r, 7)), (10, "93" + digits(r, 7)), (10, "96" + digits(r, 7))])
    if s[0] in "67":
        nat = f"{s[:3]} {s[3:6]} {s[6:]}"
        alt = f"{s[:3]} {s[3:5]} {s[5:7]} {s[7:]}"
    else:
        nat = f"{s[:2]} {s[2:5]} {s[5:7]} {s[7:]}"
        alt = f"{s[:3]} {s[3:6]} {s[6:]}"
    return pick(r, nat, alt, s, f"+34 {nat}", f"+34 {alt}", f"+34{s}", f"(+34) {nat}", f"0034 {nat}")


def phone_it(r):
    if chance(r, 0.65):
        s = "3" + r.choice("23456789") + digits(r, 8)
        return pick(r, f"{s[:3]} {s[3:6]} {s[6:]}", f"{s[:3]} {s[3:]}", s, f"+39 {s[:3]} {s[3:6]} {s[6:]}",
                    f"+39 {s[:3]} {s[3:]}", f"+39{s}", f"{s[:3]}-{s[3:]}")
    a = r.choice(["06", "02", "011", "055", "081", "051"])
    s = digits(r, 10 - len(a))
    return pick(r, f"{a} {s[:4]} {s[4:]}", f"{a}-{s}", f"+39 {a} {s[:4]} {s[4:]}", f"+39 {a} {s}", f"+39{a}{s}")


def phone_nl(r):
    if chance(r, 0.6):
        s = "6" + digits(r, 8)
        return pick(r, f"0{s[0]}-{s[1:]}", f"0{s[0]} {s[1:5]} {s[5:]}", f"0{s}", f"+31 {s[0]} {s[1:5]} {s[5:]}",
                    f"+31 (0){s[0]} {s[1:]}", f"+31{s}", f"+31 {s[0]} {s[1:]}")
    a = r.choice(["20", "10", "70", "30", "40", "50"])
    s = r.choice("23456789") + digits(r, 6)
    return pick(r, f"0{a}-{s[:3]} {s[3:]}", f"0{a}-{s}", f"0{a} {s[:3]} {s[3:]}", f"+31 {a} {s[:3]} {s[3:]}", f"+31{a}{s}")


def phone_br(r):
    ddd = r.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85", "48", "19", "27"])
    if chance(r, 0.7):
        s = "9" + r.choice("6789") + digits(r, 7)
        a, b = s[:5], s[5:]
    else:
        s = r.choice("2345") + digits(r, 7)
        a, b = s[:4], s[4:]
    return wpick(r, [(30, f"({ddd}) {a}-{b}"), (20, f"+55 {ddd} {a}-{b}"), (10, f"+55 ({ddd}) {a}-{b}"),
                     (10, f"{ddd} {a} {b}"), (10, f"+55{ddd}{s}"), (10, f"({ddd}) {a}{b}"), (5, f"0{ddd} {a}-{b}")])


def phone_mx(r):
    a, n = r.choice([("55", 8), ("33", 8), ("81", 8), ("999", 7), ("222", 7), ("442", 7), ("664", 7)])
    s = r.choice("23456789") + digits(r, n - 1)
    g = f"{s[:4]} {s[4:]}" if n == 8 else f"{s[:3]} {s[3:]}"
    return pick(r, f"+52 {a} {g}", f"{a} {g}", f"({a}) {g.replace(' ', '-')}", f"+52{a}{s}", f"+52 ({a}) {g}",
                f"+52 1 {a} {g}")


def phone_in(r):
    if chance(r, 0.75):
        s = r.choice("6789") + digits(r, 9)
        return wpick(r, [(30, f"+91 {s[:5]} {s[5:]}"), (15, f"+91-{s}"), (10, f"0{s[:5]} {s[5:]}"), (15, s),
                         (10, f"+91{s}"), (10, f"{s[:5]} {s[5:]}"), (10, f"+91 {s[:3]} {s[3:6]} {s[6:]}")])
    a = r.choice(["22", "11", "80", "44", "33", "40", "20"])
    s = r.choice("2345678") + digits(r, 7)
    return pick(r, f"+91 {a} {s[:4]} {s[4:]}", f"0{a} {s[:4]} {s[4:]}", f"0{a}-{s}", f"+91-{a}-{s}")


def phone_jp(r):
    if chance(r, 0.6):
        p = r.choice(["90", "80", "70"])
        s = digits(r, 8)
        return pick(r, f"0{p}-{s[:4]}-{s[4:]}", f"+81 {p}-{s[:4]}-{s[4:]}", f"+81 {p} {s[:4]} {s[4:]}", f"+81{p}{s}",
                    f"0{p} {s[:4]} {s[4:]}", f"0{p}{s}")
    a = r.choice(["3", "6", "45", "52", "75", "92", "11"])
    s = nz_digits(r, 9 - len(a))
    mid = len(s) - 4
    return pick(r, f"0{a}-{s[:mid]}-{s[mid:]}", f"+81 {a}-{s[:mid]}-{s[mid:]}", f"(0{a}) {s[:mid]}-{s[mid:]}",
                f"+81{a}{s}")


def phone_au(r):
    if chance(r, 0.6):
        s = "4" + digits(r, 8)
        return pick(r, f"0{s[:3]} {s[3:6]} {s[6:]}", f"+61 {s[:3]} {s[3:6]} {s[6:]}", f"+61{s}", f"0{s}",
                    f"+61 (0){s[:3]} {s[3:6]} {s[6:]}")
    a = r.choice("2378")
    s = r.choice("3456789") + digits(r, 7)
    return pick(r, f"(0{a}) {s[:4]} {s[4:]}", f"0{a} {s[:4]} {s[4:]}", f"+61 {a} {s[:4]} {s[4:]}", f"+61{a}{s}")


def phone_cn(r):
    if chance(r, 0.7):
        s = "1" + r.choice("3456789") + digits(r, 9)
        return pick(r, f"{s[:3]} {s[3:7]} {s[7:]}", f"+86 {s[:3]} {s[3:7]} {s[7:]}", f"+86-{s}", s, f"+86{s}",
                    f"{s[:3]}-{s[3:7]}-{s[7:]}")
    a = r.choice(["10", "21", "20", "755"])
    s = r.choice("2345678") + digits(r, 7)
    return pick(r, f"0{a}-{s[:4]} {s[4:]}", f"+86 {a} {s[:4]} {s[4:]}", f"(0{a}) {s}", f"0{a}-{s}")


def phone_kr(r):
    if chance(r, 0.65):
        s = digits(r, 8)
        return pick(r, f"010-{s[:4]}-{s[4:]}", f"+82 10-{s[:4]}-{s[4:]}", f"+82 10 {s[:4]} {s[4:]}", f"+8210{s}",
                    f"010 {s[:4]} {s[4:]}", f"010{s}")
    s = r.choice("2345678") + digits(r, 6 + r.randint(0, 1))
    mid = len(s) - 4
    return pick(r, f"02-{s[:mid]}-{s[mid:]}", f"+82 2-{s[:mid]}-{s[mid:]}", f"(02) {s[:mid]}-{s[mid:]}")


def phone_ng(r):
    p = r.choice(["803", "806", "813", "816", "703", "706", "805", "807", "815", "802", "808", "812", "901", "909"])
    s = digits(r, 7)
    return pick(r, f"0{p} {s[:3]} {s[3:]}", f"+234 {p} {s[:3]} {s[3:]}", f"+234{p}{s}", f"0{p}{s}", f"+234 {p} {s}",
                f"(+234) {p} {s[:3]} {s[3:]}")


def phone_ke(r):
    p = r.choice(["712", "722", "733", "701", "711", "720", "745", "757", "768", "790", "110", "111"])
    s = digits(r, 6)
    return pick(r, f"0{p} {s}", f"0{p} {s[:3]} {s[3:]}", f"+254 {p} {s}", f"+254{p}{s}", f"+254 {p} {s[:3]} {s[3:]}",
                f"0{p}{s}")


def phone_za(r):
    p = r.choice(["82", "83", "72", "73", "76", "84", "61", "21", "11", "31"])
    s = digits(r, 7)
    return pick(r, f"0{p} {s[:3]} {s[3:]}", f"+27 {p} {s[:3]} {s[3:]}", f"+27{p}{s}", f"0{p}-{s[:3]}-{s[3:]}")


PHONE_COUNTRIES = {
    "US": (14, phone_nanp), "CA": (4, lambda r: phone_nanp(r, canada=True)), "GB": (8, phone_uk),
    "DE": (6, phone_de), "FR": (6, phone_fr), "ES": (5, phone_es), "IT": (5, phone_it), "NL": (4, phone_nl),
    "BR": (5, phone_br), "MX": (4, phone_mx), "IN": (6, phone_in), "JP": (5, phone_jp), "AU": (4, phone_au),
    "CN": (4, phone_cn), "KR": (4, phone_kr), "NG": (4, phone_ng), "KE": (3, phone_ke), "ZA": (3, phone_za),
}


def phone_value(r, country=None):
    if country is None:
        country = wpick(r, [(w, c) for c, (w, _) in PHONE_COUNTRIES.items()])
    return PHONE_COUNTRIES[country][1](r)


def phone(r, country=None):
    return P(PHONE, phone_value(r, country))


CALLING_CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "IT": "39", "NL": "31", "BR": "55",
                 "MX": "52", "IN": "91", "JP": "81", "AU": "61", "CN": "86", "KR": "82", "NG": "234", "KE": "254", "ZA": "27"}


def phone_e164(r, country=None):
    """The same numbers in compact E.164 (+<country code><national number without trunk 0>)."""
    if country is None:
        country = wpick(r, [(w, c) for c, (w, _) in PHONE_COUNTRIES.items()])
    v = phone_value(r, country).replace("(0)", "")
    d = re.sub(r"\D", "", v)
    if v.lstrip("(").startswith("+"):
        return "+" + d
    if v.startswith("00"):
        return "+" + d[2:]
    if country in ("US", "CA"):
        return "+1" + d[-10:]
    if d.startswith("0") and country != "IT":  # Italy keeps the 0 of landline numbers
        d = d[1:]
    return "+" + CALLING_CODES[country] + d


# --- payment cards -------------------------------------------------------------------------------------------

CARD_BRANDS = {
    # brand: (weight, prefix generator, lengths)
    "Visa": (30, lambda r: "4", (16, 16, 16, 13)),
    "Mastercard": (22, lambda r: str(r.randint(51, 55)) if chance(r, 0.7) else str(r.randint(2221, 2720)), (16,)),
    "Amex": (12, lambda r: pick(r, "34", "37"), (15,)),
    "Discover": (8, lambda r: pick(r, "6011", "65", str(r.randint(644, 649))), (16,)),
    "JCB": (6, lambda r: str(r.randint(3528, 3589)), (16,)),
    "Diners": (5, lambda r: pick(r, "36", "38", str(r.randint(300, 305))), (14,)),
    "UnionPay": (8, lambda r: "62" + str(r.randint(1, 9)), (16, 16, 19)),
    "Maestro": (6, lambda r: pick(r, "5018", "5020", "5038", "6304", "6759", "6761", "6763"), (16, 19)),
}


def card_digits(r, brand=None):
    brand = brand or wpick(r, [(w, b) for b, (w, _, _) in CARD_BRANDS.items()])
    _, prefix, lengths = CARD_BRANDS[brand]
    pre = prefix(r)
    n = r.choice(lengths)
    return brand, luhn_complete(pre + digits(r, n - len(pre) - 1))


def card_format(r, num, sep=None):
    if sep is None:
        sep = wpick(r, [(40, " "), (35, ""), (25, "-")])
    if not sep:
        return num
    if len(num) == 15:
        return group(num, (4, 6, 5), sep)
    if len(num) == 14:
        return group(num, (4, 6, 4), sep)
    if len(num) == 13:
        return group(num, (4, 3, 3, 3), sep)
    return group(num, (4, 4, 4, 4), sep)


def card_value(r, brand=None):
    return card_format(r, card_digits(r, brand)[1])


def card(r, brand=None):
    return P(CREDIT_CARD, card_value(r, brand))


# --- US SSN --------------------------------------------------------------------------------------------------
# Valid per SSA rules: area 001-899 except 666, group 01-99, serial 0001-9999.

def ssn_value(r, plain_ok=False):
    area = r.randint(1, 899)
    if area == 666:
        area = 667
    g, s = r.randint(1, 99), r.randint(1, 9999)
    fmt = wpick(r, [(85, "%03d-%02d-%04d"), (10, "%03d %02d %04d"), (5 if plain_ok else 0, "%03d%02d%04d")])
    return fmt % (area, g, s)


def ssn(r, plain_ok=False):
    return P(US_SSN, ssn_value(r, plain_ok))


# --- IBAN ----------------------------------------------------------------------------------------------------
# BBAN layout per country: n digits, a upper-case letters, c alphanumerics; optional fixed bank codes.

IBAN_LAYOUTS = {
    "DE": ("8n10n", None), "GB": ("4a14n", ["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "MONZ"]),
    "FR": ("10n11c2n", None), "ES": ("20n", None), "IT": ("1a10n12c", None),
    "NL": ("4a10n", ["ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB"]), "BE": ("12n", None), "CH": ("5n12c", None),
    "AT": ("16n", None), "PL": ("24n", None), "PT": ("21n", None), "SE": ("20n", None), "NO": ("11n", None),
    "DK": ("14n", None), "IE": ("4a14n", ["AIBK", "BOFI", "IPBS"]), "FI": ("14n", None), "LU": ("3n13c", None),
    "TR": ("5n1n16c", None), "SA": ("2n18c", None), "BR": ("23n1a1c", None), "RO": ("4a16c", ["RNCB", "BTRL", "INGB"]),
    "HU": ("24n", None), "CZ": ("20n", None),
}
ALNUM_UPPER_DIGIT_HEAVY = DIGITS * 10 + string.ascii_uppercase


def iban_check(cc, bban):
    rearranged = bban + cc + "00"
    num = int("".join(str(int(ch, 36)) for ch in rearranged))
    return "%02d" % (98 - num % 97)


def iban_length(cc):
    return 4 + sum(int(n) for n in re.findall(r"\d+", IBAN_LAYOUTS[cc][0])) if cc in IBAN_LAYOUTS else None


def iban_ok(s):
    """Known country, its IBAN length, and the mod-97 check."""
    s = s.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", s) or len(s) != iban_length(s[:2]):
        return False
    return int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1


def iban_parts(r, country=None):
    cc = country or r.choice(list(IBAN_LAYOUTS))
    layout, banks = IBAN_LAYOUTS[cc]
    bban = ""
    for n, kind in re.findall(r"(\d+)([nac])", layout):
        n = int(n)
        if kind == "a" and banks and not bban:
            bban += r.choice(banks)
        elif kind == "n":
            bban += digits(r, n)
        elif kind == "a":
            bban += rs(r, string.ascii_uppercase, n)
        else:
            bban += rs(r, ALNUM_UPPER_DIGIT_HEAVY, n)
    return cc, iban_check(cc, bban), bban


def iban_format(r, s):
    return group(s, [4] * 9, " ") if chance(r, 0.5) else s


def iban_value(r, country=None):
    cc, check, bban = iban_parts(r, country)
    return iban_format(r, cc + check + bban)


def iban(r, country=None):
    return P(IBAN, iban_value(r, country))


# --- IP and MAC ----------------------------------------------------------------------------------------------

def ipv4_value(r, private=None):
    if private is None:
        private = chance(r, 0.35)
    if private:
        return pick(r, f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                    f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                    f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}")
    first = r.choice([n for n in range(1, 224) if n not in (10, 127, 169, 172, 192)])
    return f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def ipv6_value(r):
    kind = wpick(r, [(30, "global"), (20, "doc"), (15, "link"), (10, "ula"), (8, "mapped"), (17, "sparse")])
    if kind == "mapped":
        return "::ffff:" + ipv4_value(r, private=False)
    groups = [r.getrandbits(16) for _ in range(8)]
    if kind == "doc":
        groups[:2] = [0x2001, 0x0DB8]
    elif kind == "global":
        groups[:2] = [r.choice([0x2001, 0x2A00, 0x2A02, 0x2606, 0x2607, 0x2400, 0x2C0F]), r.getrandbits(16)]
    elif kind == "link":
        groups[:4] = [0xFE80, 0, 0, 0]
    elif kind == "ula":
        groups[0] = 0xFD00 | r.getrandbits(8)
    if kind in ("doc", "global", "sparse") and chance(r, 0.7):
        start = r.randint(2, 5)
        for i in range(start, min(8, start + r.randint(2, 4))):
            groups[i] = 0
    if kind == "sparse":
        groups[2:7] = [0, 0, 0, 0, 0] if chance(r, 0.5) else groups[2:7]
    addr = ipaddress.IPv6Address(sum(g << (16 * (7 - i)) for i, g in enumerate(groups)))
    text = addr.exploded if chance(r, 0.12) else addr.compressed
    return text.upper() if chance(r, 0.12) else text


def ip_value(r, v6=None):
    if v6 is None:
        v6 = chance(r, 0.35)
    return ipv6_value(r) if v6 else ipv4_value(r)


def ip(r, v6=None):
    return P(IP_ADDRESS, ip_value(r, v6))


def mac_value(r):
    octets = [r.getrandbits(8) & 0xFE] + [r.getrandbits(8) for _ in range(5)]
    sep = pick(r, ":", ":", "-")
    fmt = "%02x" if chance(r, 0.55) else "%02X"
    return sep.join(fmt % o for o in octets)


def mac(r):
    return P(MAC_ADDRESS, mac_value(r))


# --- street addresses ----------------------------------------------------------------------------------------
# Street and city lists are written for this corpus. Each country function returns (street line, locality line)
# in that country's usual order and postal-code format. Written on one line, the whole address is the span;
# written as a block, only the street line is (see README.md).

UK_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"


def addr_us(r):
    street = r.choice(["Maple Avenue", "Oak Street", "Elm St", "Main Street", "Sunset Blvd", "Evergreen Terrace",
                       "Peachtree Rd NE", "Lakeshore Drive", "Pine Ridge Ct", "Cedar Ln", "Mission St",
                       "Market Street", "Broadway", "5th Avenue", "W 42nd St", "N Michigan Ave", "Magnolia Way",
                       "Hillcrest Rd", "Washington Blvd", "Riverside Dr", "S Congress Ave", "Bleecker Street"])
    line = f"{r.randint(1, 9899)} {street}"
    if chance(r, 0.3):
        unit = pick(r, f"Apt {r.randint(1, 40)}{r.choice('ABCD')}", f"Suite {r.randint(100, 3900)}",
                    f"Unit {r.randint(1, 99)}", f"#{r.randint(100, 999)}", f"Apt. {r.randint(1, 20)}")
        line += pick(r, ", ", " ") + unit
    city, state, z = r.choice([("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Portland", "OR", "972"),
                               ("Brooklyn", "NY", "112"), ("San Francisco", "CA", "941"), ("Chicago", "IL", "606"),
                               ("Atlanta", "GA", "303"), ("Seattle", "WA", "981"), ("Denver", "CO", "802"),
                               ("Miami", "FL", "331"), ("Boston", "MA", "021"), ("Phoenix", "AZ", "850"),
                               ("Columbus", "OH", "432"), ("Nashville", "TN", "372"), ("Raleigh", "NC", "276"),
                               ("Madison", "WI", "537"), ("Albuquerque", "NM", "871"), ("Boise", "ID", "837")])
    zipc = z + digits(r, 2) + ("-" + digits(r, 4) if chance(r, 0.15) else "")
    return line, pick(r, f"{city}, {state} {zipc}", f"{city}, {state} {zipc}", f"{city} {state} {zipc}")


def addr_uk(r):
    street = r.choice(["Baker Street", "Kingsway", "High Street", "Queen's Road", "Church Lane", "Victoria Road",
                       "Station Road", "Mill Lane", "The Crescent", "Park Avenue", "Princes Street", "Deansgate",
                       "Briggate", "Bold Street", "Whiteladies Road", "Sauchiehall Street", "Gloucester Place"])
    num = str(r.randint(1, 240)) + (r.choice("AB") if chance(r, 0.08) else "")
    line = f"{num} {street}"
    if chance(r, 0.25):
        line = pick(r, f"Flat {r.randint(1, 30)}, ", f"Flat {r.randint(1, 9)}{r.choice('ABC')}, ") + line
    city, outs = r.choice([("London", ["NW1", "SW1A", "E1", "EC1A", "W1D", "SE1", "N7", "SW19"]),
                           ("Manchester", ["M1", "M4", "M14", "M20"]), ("Leeds", ["LS1", "LS6"]),
                           ("Edinburgh", ["EH1", "EH3"]), ("Bristol", ["BS1", "BS8"]), ("Cardiff", ["CF10", "CF24"]),
                           ("Glasgow", ["G1", "G12"]), ("Liverpool", ["L1", "L17"]), ("Belfast", ["BT1", "BT9"]),
                           ("Oxford", ["OX1", "OX4"]), ("Brighton", ["BN1", "BN2"])])
    pc = r.choice(outs) + " " + str(r.randint(0, 9)) + rs(r, UK_LETTERS, 2)
    return line, pick(r, f"{city} {pc}", f"{city}, {pc}", f"{city.upper()} {pc}")


def addr_ca(r):
    street = r.choice(["Rue Sainte-Catherine O", "Yonge Street", "Bloor St W", "Robson Street", "Jasper Ave NW",
                       "Spring Garden Rd", "Rue Saint-Denis", "Sussex Drive", "Granville St", "Portage Ave",
                       "Queen St E", "Boulevard René-Lévesque E", "Harbour St"])
    num = r.randint(1, 2999)
    line = wpick(r, [(70, f"{num} {street}"), (15, f"{r.randint(101, 2404)}-{num} {street}"),
                     (15, f"Unit {r.randint(1, 40)}, {num} {street}")])
    city, prov, first = r.choice([("Toronto", "ON", "M"), ("Ottawa", "ON", "K"), ("Montréal", "QC", "H"),
                                  ("Québec", "QC", "G"), ("Vancouver", "BC", "V"), ("Calgary", "AB", "T"),
                                  ("Edmonton", "AB", "T"), ("Halifax", "NS", "B"), ("Winnipeg", "MB", "R")])
    pc = f"{first}{r.randint(0, 9)}{r.choice(CA_LETTERS)} {r.randint(0, 9)}{r.choice(CA_LETTERS)}{r.randint(0, 9)}"
    loc = f"{city} ({'Québec' if prov == 'QC' else prov}) {pc}" if prov == "QC" and chance(r, 0.4) else f"{city}, {prov} {pc}"
    return line, loc


def addr_fr(r):
    street = r.choice(["rue de la Paix", "avenue Jean Jaurès", "boulevard Haussmann", "rue du Faubourg Saint-Antoine",
                       "place Bellecour", "rue Sainte-Catherine", "cours Mirabeau", "rue Nationale",
                       "allée des Tilleuls", "impasse des Lilas", "quai des Chartrons", "rue de la République",
                       "avenue des Champs-Élysées", "chemin des Vignes", "rue Victor Hugo"])
    num = str(r.randint(1, 180)) + (pick(r, " bis", " ter", "B") if chance(r, 0.1) else "")
    line = f"{num} {street}" if chance(r, 0.8) else f"{num}, {street}"
    if chance(r, 0.15):
        line = pick(r, f"Appartement {r.randint(1, 60)}, ", f"Bât. {r.choice('ABC')}, ", f"Apt {r.randint(1, 30)}, ") + line
    city, cp = r.choice([("Paris", lambda: "750%02d" % r.randint(1, 20)), ("Lyon", lambda: "6900%d" % r.randint(1, 9)),
                         ("Marseille", lambda: "130%02d" % r.randint(1, 16)), ("Toulouse", lambda: "31000"),
                         ("Bordeaux", lambda: "33000"), ("Lille", lambda: "59000"), ("Nantes", lambda: "44000"),
                         ("Strasbourg", lambda: "67000"), ("Nice", lambda: "06000"), ("Montpellier", lambda: "34000"),
                         ("Rennes", lambda: "35000")])
    return line, f"{cp()} {city.upper() if chance(r, 0.35) else city}"


def addr_de(r):
    street = r.choice(["Hauptstraße", "Bahnhofstraße", "Lindenallee", "Goethestraße", "Schillerstr.", "Am Markt",
                       "Kastanienweg", "Friedrichstraße", "Königsallee", "Karl-Marx-Allee", "Maximilianstraße",
                       "Mönckebergstraße", "Breite Straße", "Schloßstraße", "Zur Mühle", "Sonnenstr."])
    line = f"{street} {r.randint(1, 180)}{r.choice('ab') if chance(r, 0.12) else ''}"
    city, lo, hi = r.choice([("Berlin", 10115, 14199), ("München", 80331, 81929), ("Hamburg", 20095, 22769),
                             ("Köln", 50667, 51149), ("Frankfurt am Main", 60311, 60599), ("Stuttgart", 70173, 70629),
                             ("Düsseldorf", 40210, 40629), ("Leipzig", 4103, 4357), ("Dresden", 1067, 1328),
                             ("Nürnberg", 90402, 90491), ("Bremen", 28195, 28779)])
    plz = "%05d" % r.randint(lo, hi)
    return line, (f"D-{plz} {city}" if chance(r, 0.06) else f"{plz} {city}")


def addr_es(r):
    street = r.choice(["Calle Mayor", "Calle de Alcalá", "Gran Vía", "Paseo de la Castellana", "Carrer de Balmes",
                       "Avenida de la Constitución", "Calle Larios", "Calle Serrano", "Rambla de Catalunya",
                       "Calle San Fernando", "Avenida del Puerto", "Plaza Mayor", "Calle del Pez"])
    if chance(r, 0.15) and street.startswith("Calle "):
        street = "C/ " + street[6:]
    line = f"{street}, {r.randint(1, 250)}" if chance(r, 0.7) else f"{street} {r.randint(1, 250)}"
    if chance(r, 0.45):
        line += pick(r, f", {r.randint(1, 9)}º {r.choice('ABCD')}", f", {r.randint(1, 9)}º {r.randint(1, 4)}ª",
                     f", piso {r.randint(1, 9)}, puerta {r.randint(1, 4)}")
    city, prefix, hi = r.choice([("Madrid", "28", 55), ("Barcelona", "08", 42), ("Valencia", "46", 26),
                                 ("Sevilla", "41", 20), ("Málaga", "29", 18), ("Bilbao", "48", 15),
                                 ("Zaragoza", "50", 21), ("Granada", "18", 15)])
    return line, f"{prefix}{r.randint(1, hi):03d} {city}"


def addr_it(r):
    street = r.choice(["Via Roma", "Via Giuseppe Garibaldi", "Corso Buenos Aires", "Via del Corso", "Piazza Navona",
                       "Via Toledo", "Corso Vittorio Emanuele II", "Via Dante", "Viale dei Mille", "Via Nazionale",
                       "Via della Spiga", "Lungarno Corsini", "Via Po"])
    num = str(r.randint(1, 200)) + (pick(r, "/A", "/B", " bis") if chance(r, 0.1) else "")
    line = pick(r, f"{street} {num}", f"{street}, {num}", f"{street} n. {num}")
    city, prov, prefix = r.choice([("Roma", "RM", "001"), ("Milano", "MI", "201"), ("Napoli", "NA", "801"),
                                   ("Torino", "TO", "101"), ("Firenze", "FI", "501"), ("Bologna", "BO", "401"),
                                   ("Palermo", "PA", "901"), ("Genova", "GE", "161"), ("Venezia", "VE", "301")])
    cap = prefix + "%02d" % r.randint(0, 99)
    return line, pick(r, f"{cap} {city} ({prov})", f"{cap} {city} {prov}", f"{cap} {city}")


def addr_nl(r):
    street = r.choice(["Keizersgracht", "Prinsengracht", "Herengracht", "Kalverstraat", "Damrak", "Oudegracht",
                       "Coolsingel", "Lange Voorhout", "Stationsweg", "Kerkstraat", "Dorpsstraat", "Vondelstraat",
                       "Witte de Withstraat"])
    line = f"{street} {r.randint(1, 400)}" + (pick(r, "-2", " A", "-hs", "-III") if chance(r, 0.2) else "")
    city, prefix = r.choice([("Amsterdam", "10"), ("Rotterdam", "30"), ("Den Haag", "25"), ("Utrecht", "35"),
                             ("Eindhoven", "56"), ("Groningen", "97"), ("Haarlem", "20"), ("Leiden", "23")])
    letters = rs(r, "ABCDEGHJKLMNPRTVWXZ", 2)
    pc = prefix + digits(r, 2) + pick(r, " ", " ", "") + letters
    return line, f"{pc} {city.upper() if chance(r, 0.25) else city}"


def addr_jp(r):
    ward, city, zip3, districts = r.choice([
        ("Shibuya-ku", "Tokyo", "150", ["Shibuya", "Jingumae", "Ebisu", "Dogenzaka"]),
        ("Shinjuku-ku", "Tokyo", "160", ["Nishi-Shinjuku", "Kabukicho", "Yotsuya"]),
        ("Minato-ku", "Tokyo", "106", ["Roppongi", "Akasaka", "Azabu-Juban"]),
        ("Chuo-ku", "Osaka", "542", ["Namba", "Shinsaibashi-suji"]),
        ("Kita-ku", "Osaka", "530", ["Umeda", "Sonezaki"]),
        ("Naka-ku", "Yokohama", "231", ["Yamashita-cho", "Motomachi"]),
        ("Sakyo-ku", "Kyoto", "606", ["Shimogamo", "Ichijoji"]),
        ("Chuo-ku", "Sapporo", "060", ["Minami 1-jo Nishi", "Odori Nishi"]),
        ("Hakata-ku", "Fukuoka", "812", ["Hakata Ekimae", "Gion-machi"])])
    line = f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 25)} {r.choice(districts)}"
    if chance(r, 0.3):
        line = f"{pick(r, 'Sakura Heights', 'Maison Aoyama', 'Grand Tower', 'Corpo Hikari')} {r.randint(101, 1203)}, " + line
    return line, f"{ward}, {city} {zip3}-{digits(r, 4)}"


def addr_in(r):
    street = r.choice(["MG Road", "Brigade Road", "Linking Road", "Anna Salai", "Park Street", "FC Road",
                       "Residency Road", "Marine Drive", "100 Feet Road", "Sector 15", "Salt Lake Sector V"])
    area = r.choice(["Indiranagar", "Andheri West", "T. Nagar", "Koramangala 4th Block", "Banjara Hills",
                     "Salt Lake", "Kothrud", "Vasant Kunj", "Jubilee Hills", "Bandra West"])
    unit = pick(r, f"Flat {r.randint(1, 20)}{r.choice('ABCD')}", f"H.No. {r.randint(1, 20)}-{r.randint(1, 9)}-{r.randint(100, 999)}",
                f"{r.choice('ABCD')}-{r.randint(1, 400)}", f"No. {r.randint(1, 200)}")
    line = pick(r, f"{unit}, {r.randint(1, 300)} {street}", f"{unit}, {street}, {area}", f"{unit}, {area}")
    city, state, prefix = r.choice([("Bengaluru", "Karnataka", "560"), ("Mumbai", "Maharashtra", "400"),
                                    ("Chennai", "Tamil Nadu", "600"), ("Kolkata", "West Bengal", "700"),
                                    ("New Delhi", "Delhi", "110"), ("Hyderabad", "Telangana", "500"),
                                    ("Pune", "Maharashtra", "411"), ("Noida", "Uttar Pradesh", "201"),
                                    ("Jaipur", "Rajasthan", "302"), ("Kochi", "Kerala", "682")])
    pin = prefix + digits(r, 3)
    return line, pick(r, f"{city}, {state} {pin}", f"{city} - {pin}, {state}", f"{city} {pin}")


def addr_br(r):
    street = r.choice(["Rua Augusta", "Avenida Paulista", "Rua Oscar Freire", "Av. Atlântica", "Rua da Consolação",
                       "Rua XV de Novembro", "Avenida Brasil", "Rua das Flores", "Av. Sete de Setembro",
                       "Rua Padre Chagas", "Av. Boa Viagem", "Rua Frei Caneca"])
    line = f"{street}, {r.randint(1, 3999)}"
    if chance(r, 0.4):
        line += pick(r, f", apto {r.randint(11, 204)}", f" - Apto {r.randint(11, 204)}", f", Bloco {r.choice('ABC')}, Ap. {r.randint(11, 99)}",
                     f", sala {r.randint(1, 40)}")
    city, uf, pre = r.choice([("São Paulo", "SP", "0%d" % r.randint(1, 5)), ("Rio de Janeiro", "RJ", str(r.randint(20, 23))),
                              ("Belo Horizonte", "MG", "30"), ("Curitiba", "PR", "80"), ("Porto Alegre", "RS", "90"),
                              ("Salvador", "BA", "40"), ("Recife", "PE", "50"), ("Fortaleza", "CE", "60"),
                              ("Brasília", "DF", "70")])
    bairro = r.choice(["Centro", "Consolação", "Copacabana", "Savassi", "Batel", "Moinhos de Vento", "Boa Viagem",
                       "Asa Sul", "Pinheiros", "Bela Vista", "Jardins", "Meireles"])
    cep = f"{pre}{digits(r, 3)}-{digits(r, 3)}"
    return line, pick(r, f"{bairro}, {city} - {uf}, {cep}", f"{bairro} - {city}/{uf} - {cep}", f"{city} - {uf}, {cep}")


def addr_mx(r):
    street = r.choice(["Av. Insurgentes Sur", "Paseo de la Reforma", "Calle Madero", "Av. Juárez", "Calle 5 de Mayo",
                       "Av. Chapultepec", "Calle Hidalgo", "Av. Vallarta", "Calle Morelos", "Av. Revolución",
                       "Calzada de Tlalpan"])
    line = f"{street} {r.randint(1, 2999)}" + (pick(r, f" Int. {r.randint(1, 12)}", f", Depto. {r.randint(101, 904)}")
                                               if chance(r, 0.3) else "")
    col = r.choice(["Col. Roma Norte", "Col. Condesa", "Col. Del Valle", "Col. Centro", "Col. Polanco",
                    "Col. Americana", "Col. Juárez", "Col. Narvarte"])
    city, state, cp = r.choice([("Ciudad de México", "CDMX", "%05d" % r.randint(1000, 16999)),
                                ("Guadalajara", "Jal.", "44" + digits(r, 3)), ("Monterrey", "N.L.", "64" + digits(r, 3)),
                                ("Puebla", "Pue.", "72" + digits(r, 3)), ("Mérida", "Yuc.", "97" + digits(r, 3)),
                                ("Querétaro", "Qro.", "76" + digits(r, 3))])
    return line, pick(r, f"{col}, {cp} {city}, {state}", f"{col}, C.P. {cp}, {city}, {state}")


def addr_au(r):
    street = r.choice(["George Street", "Collins St", "Queen Street", "Hay Street", "Rundle Mall", "Oxford Street",
                       "Chapel St", "Brunswick St", "King William Street", "Elizabeth St", "Crown Street",
                       "Sandy Bay Road"])
    num = r.randint(1, 600)
    line = wpick(r, [(60, f"{num} {street}"), (20, f"Unit {r.randint(1, 30)}, {num} {street}"),
                     (20, f"{r.randint(1, 30)}/{num} {street}")])
    city, st, pc = r.choice([("Sydney", "NSW", "2000"), ("Surry Hills", "NSW", "2010"), ("Melbourne", "VIC", "3000"),
                             ("Fitzroy", "VIC", "3065"), ("Brisbane", "QLD", "4000"),
                             ("Fortitude Valley", "QLD", "4006"), ("Perth", "WA", "6000"), ("Adelaide", "SA", "5000"),
                             ("Hobart", "TAS", "7000"), ("Canberra", "ACT", "2600"), ("Darwin", "NT", "0800")])
    return line, pick(r, f"{city} {st} {pc}", f"{city.upper()} {st} {pc}", f"{city}, {st} {pc}")


ADDRESS_COUNTRIES = {
    "US": (16, addr_us), "GB": (9, addr_uk), "CA": (6, addr_ca), "FR": (7, addr_fr), "DE": (7, addr_de),
    "ES": (6, addr_es), "IT": (6, addr_it), "NL": (5, addr_nl), "JP": (5, addr_jp), "IN": (6, addr_in),
    "BR": (6, addr_br), "MX": (5, addr_mx), "AU": (6, addr_au),
}
COUNTRY_NAMES = {"US": "USA", "GB": "United Kingdom", "CA": "Canada", "FR": "France", "DE": "Germany",
                 "ES": "Spain", "IT": "Italy", "NL": "The Netherlands", "JP": "Japan", "IN": "India",
                 "BR": "Brasil", "MX": "México", "AU": "Australia"}


def address_lines(r, country=None):
    country = country or wpick(r, [(w, c) for c, (w, _) in ADDRESS_COUNTRIES.items()])
    street, locality = ADDRESS_COUNTRIES[country][1](r)
    return country, street, locality


def address(r, country=None):
    """The address on one line: street, locality; all of it is the span."""
    _, street, locality = address_lines(r, country)
    return P(STREET_ADDRESS, street + ", " + locality)


def address_block(r, country=None, sep="\n", with_country=False):
    """The address as a block: only the street line is the span, the locality line is plain text."""
    assert "\n" in sep, "a block must break the line after the street"
    country, street, locality = address_lines(r, country)
    out = P(STREET_ADDRESS, street) + sep + locality
    if with_country:
        out = out + sep + COUNTRY_NAMES[country]
    return out


# --- dates ---------------------------------------------------------------------------------------------------

MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}
MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def ordinal(d):
    return f"{d}{'th' if 10 <= d % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')}"


def ymd(r, lo, hi):
    y, m = r.randint(lo, hi), r.randint(1, 12)
    d = r.randint(1, MONTH_DAYS[m - 1] if m != 2 or y % 4 == 0 else 28)
    return y, m, d


def date_text(r, y, m, d, lang="en"):
    """A date the way people of that language write it."""
    if lang == "en":
        mon = MONTHS["en"][m - 1]
        return wpick(r, [
            (14, f"{y}-{m:02d}-{d:02d}"), (12, f"{m:02d}/{d:02d}/{y}"), (8, f"{d:02d}/{m:02d}/{y}"),
            (10, f"{d} {mon} {y}"), (10, f"{mon} {d}, {y}"), (4, f"{mon[:3]} {d} {y}"),
            (5, f"{d:02d}-{mon[:3]}-{y}"), (4, f"{ordinal(d)} of {mon} {y}"), (4, f"{mon} {ordinal(d)}, {y}"),
            (3, f"{y}/{m:02d}/{d:02d}"), (3, f"{m}/{d}/{y}"), (3, f"{d}.{m}.{y}"), (2, f"{mon[:3].upper()} {d:02d} {y}"),
        ])
    if lang in ("de", "ru", "pl", "tr", "hu"):
        if lang == "de" and chance(r, 0.35):
            return f"{d}. {MONTHS['de'][m - 1]} {y}"
        return f"{d:02d}.{m:02d}.{y}" if lang != "hu" else f"{y}. {m:02d}. {d:02d}."
    if lang in ("fr", "es", "pt", "it"):
        if chance(r, 0.55):
            return f"{d:02d}/{m:02d}/{y}"
        mon = MONTHS[lang][m - 1]
        if lang == "fr":
            return f"{'1er' if d == 1 else d} {mon} {y}"
        if lang == "it":
            return f"{d} {mon} {y}"
        return f"{d} de {mon} de {y}"
    if lang == "nl":
        return f"{d:02d}-{m:02d}-{y}" if chance(r, 0.6) else f"{d} {MONTHS['nl'][m - 1]} {y}"
    if lang in ("ja", "zh"):
        return f"{y}年{m}月{d}日" if chance(r, 0.7) else f"{y}/{m:02d}/{d:02d}"
    if lang == "ko":
        return f"{y}년 {m}월 {d}일" if chance(r, 0.7) else f"{y}.{m:02d}.{d:02d}"
    return f"{y}-{m:02d}-{d:02d}"


def dob_value(r, lang="en"):
    return date_text(r, *ymd(r, 1938, 2007), lang=lang)


def dob(r, lang="en"):
    return P(DATE_OF_BIRTH, dob_value(r, lang))


def plain_date(r, lang="en"):
    """A recent date with no birth context (a hard negative wherever it appears)."""
    return date_text(r, *ymd(r, 2019, 2026), lang=lang)


# English birth cues around a date; the date alone is the span.
DOB_CUES_EN = ["born on {d}", "DOB: {d}", "DOB {d}", "D.O.B. {d}", "date of birth: {d}", "Date of Birth - {d}",
               "birthday is {d}", "birthday: {d}", "Birthdate: {d}", "date of birth {d}", "born {d}", "dob={d}",
               "DOB:{d}", "(DOB {d})", "birth date: {d}"]


def dob_phrase(r, lang="en"):
    return fill(r.choice(DOB_CUES_EN), d=dob(r, lang))


# --- secrets -------------------------------------------------------------------------------------------------

AWS_ALPHABET = string.ascii_uppercase + "234567"
PASSWORD_ALPHABET = ALNUM + "!#$%^&*-_+~."


def aws_key_id(r):
    return pick(r, "AKIA", "AKIA", "ASIA") + rs(r, AWS_ALPHABET, 16)


def aws_secret_key(r):
    return strong_token(r, 40, ALNUM + "/+")


def github_token(r):
    kind = wpick(r, [(50, "ghp_"), (15, "gho_"), (10, "ghs_"), (25, "github_pat_")])
    if kind == "github_pat_":
        return "github_pat_" + strong_token(r, 22) + "_" + strong_token(r, 59)
    return kind + strong_token(r, 36)


def slack_token(r):
    if chance(r, 0.6):
        return f"xoxb-{nz_digits(r, 11)}-{nz_digits(r, 13)}-{strong_token(r, 24)}"
    return f"xoxp-{nz_digits(r, 11)}-{nz_digits(r, 11)}-{nz_digits(r, 13)}-{rs(r, HEX, 32)}"


def stripe_key(r):
    return pick(r, "sk_live_", "sk_live_", "rk_live_") + (strong_token(r, 24) if chance(r, 0.4) else "51" + strong_token(r, 97))


def google_api_key(r):
    return "AIza" + strong_token(r, 35, B64URL)


def llm_api_key(r):
    kind = pick(r, "legacy", "proj", "ant")
    if kind == "legacy":
        return "sk-" + strong_token(r, 20) + "T3BlbkFJ" + strong_token(r, 20)
    if kind == "proj":
        return "sk-proj-" + strong_token(r, r.choice([48, 64, 132]), B64URL)
    return "sk-ant-api03-" + strong_token(r, 93, B64URL) + "AA"


def npm_token(r):
    return "npm_" + strong_token(r, 36)


def sendgrid_key(r):
    return "SG." + strong_token(r, 22, B64URL) + "." + strong_token(r, 43, B64URL)


def jwt_value(r):
    alg = pick(r, "HS256", "RS256", "ES256")
    header = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        header["kid"] = rs(r, HEX, 16)
    now = r.randint(1_700_000_000, 1_780_000_000)
    payload = {"sub": pick(r, str(r.randint(10000, 99999999)), f"user_{rs(r, ALNUM, 10)}"), "iat": now,
               "exp": now + r.choice([900, 3600, 86400]),
               "scope": pick(r, "read:orders", "openid profile", "admin", "payments:write")}
    if chance(r, 0.5):
        payload["iss"] = pick(r, "https://auth.example.com/", "https://login.acme-corp.io", "veil-demo")
    sig = rbytes(r, {"HS256": 32, "RS256": 256, "ES256": 64}[alg])
    enc = lambda o: b64(json.dumps(o, separators=(",", ":")).encode(), url=True, pad=False)
    return enc(header) + "." + enc(payload) + "." + b64(sig, url=True, pad=False)


PEM_KINDS = [
    # (label, DER prefix as hex, body length range in bytes, line width)
    ("RSA PRIVATE KEY", "308204a40201000282010100", (600, 1200), 64),
    ("PRIVATE KEY", "308204be020100300d06092a864886f70d0101010500048204a8", (600, 1220), 64),
    ("EC PRIVATE KEY", "30770201010420", (121, 121), 64),
    ("OPENSSH PRIVATE KEY", "6f70656e7373682d6b65792d7631000000000", (380, 420), 70),
    ("ENCRYPTED PRIVATE KEY", "3082050c303e06092a864886f70d01050d", (700, 1300), 64),
]


def pem_key(r, newline="\n"):
    label, prefix, (lo, hi), width = r.choice(PEM_KINDS)
    raw = bytes.fromhex(prefix if len(prefix) % 2 == 0 else prefix + "0")
    body = b64(raw + rbytes(r, max(0, r.randint(lo, hi) - len(raw))))
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    return newline.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def format_token(r):
    """One secret in a recognisable vendor format (no keyword needed)."""
    return wpick(r, [(14, aws_key_id), (14, github_token), (10, slack_token), (10, stripe_key), (10, google_api_key),
                     (12, llm_api_key), (7, npm_token), (7, sendgrid_key), (16, jwt_value)])(r)


def high_entropy_value(r):
    """A value that only the keyword before it marks as a secret."""
    return wpick(r, [(35, lambda: strong_token(r, r.randint(12, 28), PASSWORD_ALPHABET)),
                     (20, lambda: rs(r, HEX, r.choice([32, 40, 64]))),
                     (20, lambda: strong_token(r, r.choice([24, 32, 40, 44]), ALNUM + "+/")),
                     (15, lambda: strong_token(r, r.randint(20, 48), B64URL)),
                     (10, lambda: aws_secret_key(r))])()


SECRET_KEYS = ["password", "passwd", "pwd", "db_password", "secret", "client_secret", "api_key", "apikey", "api-key",
               "token", "access_token", "auth_token", "secret_key", "aws_secret_access_key", "Password", "PASSWORD",
               "DB_PASS", "SECRET_KEY", "API_KEY", "x-api-key", "refresh_token", "app_secret", "smtp_password"]


def keyword_secret(r, key=None, style=None, value=None):
    """key=value with a high-entropy value: only the value is the span."""
    key = key or r.choice(SECRET_KEYS)
    value = value or high_entropy_value(r)
    style = style or wpick(r, [(30, "="), (20, ": "), (6, ":"), (8, " = "), (12, '="'), (6, ": '"), (8, 'json'),
                               (5, " => "), (5, "='")])
    if style == "json":
        return fill('"{k}": "{v}"' if chance(r, 0.6) else '"{k}":"{v}"', k=key, v=P(SECRET, value))
    if style in ('="', "='", ": '"):
        q = style[-1]
        return key + style + P(SECRET, value) + q
    return key + style + P(SECRET, value)


def secret_any(r):
    """A secret the way it leaks in text: bare vendor token, or value after a keyword."""
    if chance(r, 0.55):
        return P(SECRET, format_token(r))
    return keyword_secret(r)


# --- URL credentials -----------------------------------------------------------------------------------------

URL_USERS = ["admin", "app", "svc_orders", "deploy", "root", "etl_reader", "postgres", "gitlab-ci", "backup",
             "report_ro", "api", "jenkins", "airflow", "billing_rw", "guest_ops", "default", "ftpuser", "mailer"]


def url_password(r):
    pw = strong_token(r, r.randint(10, 28), ALNUM + "-_.~")
    if chance(r, 0.25):
        i = r.randint(1, len(pw) - 1)
        pw = pw[:i] + r.choice(["%40", "%21", "%23", "%24", "%2F", "%3A"]) + pw[i:]
    return pw


URL_KINDS = {
    # kind: (schemes, hosts, default port, paths)
    "sql": (["postgres", "postgresql", "mysql"], ["db-prod-01.internal", "pg.eu-west-1.rds.amazonaws.com", "mysql.acme-corp.io",
                                                  "db.staging.svc.cluster.local", "analytics-replica", "localhost"],
            {"postgres": 5432, "postgresql": 5432, "mysql": 3306}, ["/orders", "/app?sslmode=require", "/shop", "/analytics"]),
    "mongo": (["mongodb+srv", "mongodb"], ["cluster0.x7k2p.mongodb.net", "mongo-0.mongo.svc.cluster.local"],
              {"mongodb": 27017}, ["/?retryWrites=true&w=majority", "/admin", "/events?authSource=admin"]),
    "redis": (["redis", "rediss"], ["redis-14712.c1.eu-central-1-1.ec2.cloud.redislabs.com", "cache.internal", "redis"],
              {"redis": 6379, "rediss": 6380}, ["/0", "", "/3"]),
    "amqp": (["amqp", "amqps"], ["rabbitmq", "mq.example.com", "b-3f1c.mq.us-east-1.amazonaws.com"],
             {"amqp": 5672, "amqps": 5671}, ["/%2F", "/prod", ""]),
    "web": (["https", "http"], ["git.example.com", "nexus.internal", "intranet.example.com", "10.20.3.14"],
            {"http": 8080}, ["/team/repo.git", "/api/v1/health", "/repository/maven-releases/", "/"]),
    "file": (["ftp", "sftp"], ["ftp.example.org", "files.partner.example"], {"ftp": 21, "sftp": 22}, ["/pub/exports", "/upload"]),
    "mail": (["smtp", "smtps"], ["smtp.mailgun.org", "smtp.example.com"], {"smtp": 587, "smtps": 465}, [""]),
}


def url_with_credentials(r, kind=None, user=None):
    """scheme://user:password@host...: only "user:password" is the span."""
    kind = kind or wpick(r, [(5, "sql"), (2, "mongo"), (2, "redis"), (1, "amqp"), (2, "web"), (1, "file"), (1, "mail")])
    schemes, hosts, ports, paths = URL_KINDS[kind]
    scheme = r.choice(schemes)
    if user is None:
        user = "default" if kind == "redis" and chance(r, 0.5) else (
            r.choice(URL_USERS) if chance(r, 0.8) else ascii_fold(person(r, "english").given).lower())
    creds = P(URL_CREDENTIALS, f"{user}:{url_password(r)}")
    port = ports.get(scheme)
    host = r.choice(hosts)
    host = P(IP_ADDRESS, host) if _ip_ok(host) else host  # an IP host is an IP address in its own right
    return scheme + "://" + creds + "@" + host + (f":{port}" if port and chance(r, 0.75) else "") + r.choice(paths)


# ---------------------------------------------------------------------------------------------------------
# 5. hard negatives: look sensitive, are not (never labeled)
# ---------------------------------------------------------------------------------------------------------

def uuid4(r):
    h = rs(r, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{r.choice('89ab')}{h[17:20]}-{h[20:]}"


def trace_id(r):
    return rs(r, HEX, 32)


def span_id(r):
    return rs(r, HEX, 16)


def git_sha(r, short=False):
    return rs(r, HEX, 7 if short else 40)


def sha256_hex(r):
    return rs(r, HEX, 64)


def order_no(r):
    return wpick(r, [(3, f"ORD-{r.randint(2021, 2026)}-{r.randint(1, 999999):06d}"), (2, f"#{r.randint(100000, 9999999)}"),
                     (2, f"PO-{r.randint(10000, 99999)}"), (1, f"{rs(r, string.ascii_uppercase, 1)}-{r.randint(1000, 9999)}-{rs(r, string.ascii_uppercase, 2)}"),
                     (2, group(non_luhn_digits(r, 17), (3, 7, 7), "-")),
                     (1, f"SO{r.randint(10000000, 99999999)}")])


def invoice_no(r):
    return pick(r, f"INV-{r.randint(2021, 2026)}-{r.randint(1, 99999):05d}", f"FAC/{r.randint(2021, 2026)}/{r.randint(1, 9999):04d}",
                f"RE-{r.randint(2021, 2026)}-{r.randint(1000, 9999)}", f"NF-e {r.randint(100000, 999999)}",
                f"INV{r.randint(10 ** 7, 10 ** 8 - 1)}")


def iso_ts(r):
    y, m, d = ymd(r, 2023, 2026)
    return f"{y}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}" + \
        pick(r, "Z", f".{r.randint(0, 999):03d}Z", "+00:00", f".{r.randint(0, 999999):06d}+02:00")


def log_ts(r, style=None):
    y, m, d = ymd(r, 2023, 2026)
    hh, mm, ss, ms = r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999)
    mon = MONTHS["en"][m - 1][:3]
    style = style or r.choice(["iso", "space", "comma", "syslog", "clf", "epoch", "epoch_ms"])
    return {"iso": f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{ms:03d}Z",
            "space": f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}.{ms:03d}",
            "comma": f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d},{ms:03d}",
            "syslog": f"{mon} {d:2d} {hh:02d}:{mm:02d}:{ss:02d}",
            "clf": f"{d:02d}/{mon}/{y}:{hh:02d}:{mm:02d}:{ss:02d} +0000",
            "epoch": str(r.randint(1_680_000_000, 1_790_000_000)),
            "epoch_ms": epoch_ms(r)}[style]


def epoch_ms(r):
    """A 13-digit millisecond timestamp; like every card-length negative, it fails Luhn."""
    while True:
        s = str(r.randint(1_680_000_000_000, 1_790_000_000_000))
        if not luhn_ok(s):
            return s


def clock(r):
    return f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}"


def version(r):
    return wpick(r, [(4, f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}"), (2, f"v{r.randint(1, 4)}.{r.randint(0, 20)}.{r.randint(0, 9)}"),
                     (1, f"10.0.{r.randint(17763, 26100)}"), (1, f"10.0.{r.randint(19041, 22631)}.{r.randint(1000, 4999)}"),
                     (1, f"{r.randint(1, 3)}.{r.randint(0, 9)}.{r.randint(0, 9)}-rc.{r.randint(1, 5)}"),
                     (1, f"5.{r.randint(4, 15)}.0-{r.randint(20, 120)}-generic"), (1, f"{r.randint(17, 23)}.0.{r.randint(1, 12)}+{r.randint(1, 12)}"),
                     (1, f"{r.randint(100, 130)}.0.{r.randint(1000, 6999)}.{r.randint(10, 250)}")])


def amount(r):
    v = r.randint(1, 500000) / 100
    return wpick(r, [(4, f"${v:,.2f}"), (3, f"€{v:.2f}"), (2, f"{v:.2f} EUR"), (2, f"£{v:,.2f}"),
                     (1, f"{v:,.2f} €".replace(",", " ").replace(".", ",")), (1, f"¥{int(v * 100):,}"),
                     (1, f"R$ {v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")),
                     (1, f"₹{v:,.2f}"), (1, f"USD {v:.2f}"), (1, f"{v:.2f} zł")])


def percent(r):
    return pick(r, f"{r.randint(0, 100)}%", f"{r.randint(0, 99)}.{r.randint(0, 9)}%", f"{r.randint(0, 9)}.{r.randint(0, 99):02d} %")


def bad_card(r, sep=None):
    """Card-shaped: a real issuer prefix and length, but the Luhn check fails."""
    _, good = card_digits(r, pick(r, "Visa", "Mastercard", "Discover", "JCB", "UnionPay"))
    bad = good[:-1] + str((int(good[-1]) + r.randint(1, 9)) % 10)
    assert not luhn_ok(bad)
    return card_format(r, bad, sep)


def non_luhn_digits(r, n):
    """n digits that do not pass the Luhn check (so no detector may call them a card)."""
    while True:
        s = nz_digits(r, n)
        if not luhn_ok(s):
            return s


def bad_ssn(r):
    """SSN-shaped but impossible under SSA rules."""
    area, g, s = r.randint(1, 899), r.randint(1, 99), r.randint(1, 9999)
    broken = r.choice(["area000", "area666", "area9xx", "group00", "serial0000"])
    if broken == "area000":
        area = 0
    elif broken == "area666":
        area = 666
    elif broken == "area9xx":
        area = r.randint(900, 999)
    elif broken == "group00":
        g = 0
    else:
        s = 0
    if area == 666 and broken != "area666":
        area = 665
    return "%03d-%02d-%04d" % (area, g, s)


def bad_iban(r):
    cc, check, bban = iban_parts(r)
    wrong = check
    while wrong == check:
        wrong = "%02d" % r.randint(2, 98)
    s = cc + wrong + bban
    assert not iban_ok(s)
    return iban_format(r, s)


def creditor_id(r):
    """A SEPA creditor identifier (DEnnZZZ0...): IBAN-shaped, never IBAN-valid."""
    while True:
        s = f"DE{r.randint(10, 99)}ZZZ0{digits(r, 10)}"
        if not iban_ok(s):
            return s


def isbn(r):
    core = pick(r, "978", "979") + digits(r, 9)
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core)) % 10) % 10
    s = core + str(check)
    if luhn_ok(s):  # keep every 13-digit negative clear of the card check
        return isbn(r)
    return pick(r, f"{s[:3]}-{s[3]}-{s[4:8]}-{s[8:12]}-{s[12]}", f"{s[:3]}-{s[3:5]}-{s[5:9]}-{s[9:12]}-{s[12]}", s)


def usps_tracking(r):
    """22 digits from 9400; the first 16 (what a careless card scan would take) fail Luhn."""
    while True:
        head = "9400" + digits(r, 12)
        if not luhn_ok(head):
            return group(head + digits(r, 6), (4, 4, 4, 4, 4, 2), " ")


def tracking_no(r):
    return wpick(r, [(3, "1Z" + rs(r, UPPER_NUM, 6) + digits(r, 10)),
                     (2, usps_tracking(r)),
                     (2, "JD" + non_luhn_digits(r, 18)), (1, rs(r, string.ascii_uppercase, 2) + digits(r, 9) + pick(r, "DE", "GB", "CN", "US")),
                     (1, non_luhn_digits(r, 12)), (1, "LX" + digits(r, 9) + "BR")])


def product_code(r):
    def ean13():
        core = r.choice("3456789") + digits(r, 11)
        check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core)) % 10) % 10
        s = core + str(check)
        return s if not luhn_ok(s) else ean13()
    return wpick(r, [(3, f"SKU-{r.randint(10000, 99999)}-{pick(r, 'BLK', 'WHT', 'RED', 'XL', 'M')}"),
                     (2, f"P/N {r.randint(1000, 9999)}-{r.randint(100, 999)}-{r.randint(10, 99)}"),
                     (2, ean13()), (1, f"{rs(r, string.ascii_uppercase, 3)}{r.randint(100, 999)}{rs(r, string.ascii_uppercase, 2)}"),
                     (1, f"ASIN B0{rs(r, UPPER_NUM, 8)}"), (1, f"model {rs(r, string.ascii_uppercase, 2)}-{r.randint(1000, 9999)}")])


def host_port(r):
    return pick(r, f"localhost:{r.choice([3000, 5432, 6379, 8080, 8443, 9092, 9200])}",
                f"db-{r.randint(1, 9):02d}.internal:{r.choice([5432, 3306, 27017])}", "api.example.com:443",
                f"kafka-{r.randint(0, 5)}.kafka-headless.svc:9092", f"redis.cache.local:{6379}",
                f"localhost:{r.randint(1024, 65535)}")


def localhost_email(r):
    return r.choice(["root", "postgres", "www-data", "cron", "nobody", "admin", "jenkins", "mailer-daemon"]) + "@localhost"


def file_path(r):
    return pick(r, f"/var/log/{pick(r, 'nginx', 'app', 'payments')}/{pick(r, 'access', 'error', 'app')}.log",
                f"/opt/app/releases/{version(r)}/lib/core.jar", f"C:\\ProgramData\\Veil\\logs\\{pick(r, 'scan', 'agent')}.log",
                f"src/main/java/com/example/{pick(r, 'billing', 'auth', 'orders')}/Service.java", f"./build/{git_sha(r, True)}/out.tar.gz",
                f"/etc/ssl/certs/ca-certificates.crt", f"s3://{pick(r, 'acme-exports', 'logs-archive')}/{log_ts(r, 'epoch')}/part-0000.parquet",
                f"~/Downloads/invoice_{r.randint(1000, 9999)}.pdf")


def plain_url(r):
    return pick(r, f"https://www.example.com/products/{r.randint(100, 99999)}?ref=email",
                f"https://docs.example.org/v{r.randint(1, 4)}/guide#install", f"http://localhost:{r.choice([3000, 8080])}/health",
                f"https://status.acme-corp.io/incidents/{rs(r, string.ascii_lowercase + DIGITS, 12)}",
                f"https://github.com/example/{pick(r, 'veil', 'shop', 'infra')}/pull/{r.randint(10, 4999)}",
                "https://example.com/@acme/profile", f"https://git.example.com/{pick(r, 'ops', 'web')}/repo.git",
                "postgres://db.internal:5432/app?sslmode=require", "redis://redis.cache.local:6379/0",
                f"https://cdn.example.net/assets/{sha256_hex(r)[:16]}.js")


def base64_image(r):
    head = pick(r, "iVBORw0KGgoAAAANSUhEUgAA", "/9j/4AAQSkZJRgABAQAAAQABAAD", "R0lGODlhAQABAIAAAP")
    return f"data:image/{pick(r, 'png', 'jpeg', 'gif')};base64,{head}{b64(rbytes(r, r.randint(30, 90)), pad=False)}"


def placeholder_secret(r):
    return r.choice(["********", "<redacted>", "[REDACTED]", "${DB_PASSWORD}", "${API_KEY}", "YOUR_API_KEY_HERE",
                     "<your-token>", "null", "[FILTERED]", "%(password)s", "{{ vault_db_password }}",
                     "***", "xxxxxxxx", "REPLACE_ME", "$(cat /run/secrets/db)", "<TOKEN>", "None"])


def masked_card(r):
    last4 = digits(r, 4)
    return pick(r, f"**** **** **** {last4}", f"XXXX-XXXX-XXXX-{last4}", f"{r.choice('45')}{digits(r, 5)}******{last4}",
                f"ending in {last4}", f"•••• {last4}", f"last4={last4}")


def masked_ssn(r):
    return pick(r, f"***-**-{digits(r, 4)}", f"XXX-XX-{digits(r, 4)}", f"last 4 of SSN: {digits(r, 4)}")


def ip_like(r):
    """Dotted numbers that are not IP addresses: Windows builds, OIDs, out-of-range parts."""
    return pick(r, f"10.0.{r.randint(19041, 22631)}.{r.randint(1000, 4999)}", f"1.3.6.1.4.1.{r.randint(100, 60000)}.{r.randint(1, 20)}",
                f"{r.randint(256, 999)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(0, 255)}",
                f"{r.randint(1, 4)}.{r.randint(0, 30)}.{r.randint(300, 999)}.{r.randint(0, 9)}", f"2.16.840.1.{r.randint(100000, 999999)}")


def colon_hex_like(r):
    """Colon-separated text that is neither a MAC nor an IPv6 address."""
    return pick(r, f"{clock(r)}:{r.randint(0, 59):02d}", f"{rs(r, HEX, 2)}:{rs(r, HEX, 2)}:{rs(r, HEX, 2)}:{rs(r, HEX, 2)}",
                "std::unordered_map", f"{pick(r, 'Foo', 'Billing', 'Api')}::{pick(r, 'Client', 'Error', 'V2')}::{pick(r, 'new', 'call')}",
                f"sha1:{rs(r, HEX, 8)}", f"{r.randint(1, 12)}:{r.randint(10, 59)}:{r.randint(10, 59)}:{r.randint(10, 99)}")


# Sentences where a name-like word is not a name, and greetings/sign-offs with no name.
NAMELIKE_SENTENCES = [
    "Will the nightly build finish before {date}?", "Mark the date: {date} for the offsite.",
    "Please bill the customer for {n} hours.", "Bill the customer for {n} hours and close the ticket.",
    "Sales rose {pct} in Q3.", "Rose gold finish is back in stock ({sku}).", "May I ask for an update on {order}?",
    "Shipped from China via {carrier}, tracking {track}.", "Water levels of the Jordan river fell {pct} this year.",
    "Grace period ends on {date}.", "Frank feedback is welcome.", "Hope this helps!", "Dawn deployment starts at {time}.",
    "Grant access to the analytics group.", "Chase the vendor about {order}.", "Summer sale: {pct} off everything.",
    "Will do.", "Jack up the timeout to {n}s.", "Our Paris office closes at {time}.", "The Florence trip is booked.",
    "Sydney region (ap-southeast-2) is degraded.", "Austin data center maintenance on {date}.",
    "Dear customer, your order {order} has shipped.", "Dear Sir or Madam,", "Hi all, quick update on {order}.",
    "Regards, the Support Team", "Amazon S3 bucket policy updated.", "Victoria Station is closed this weekend.",
    "Lincoln Tunnel traffic is heavy.", "The Ford Transit needs a service.", "Sandy soil drains quickly.",
    "Rusty hinges on door {n}.", "Art direction sign-off due {date}.", "Iris scanner firmware {ver} released.",
    "Georgia visa rules changed on {date}.", "Sterling rose against the euro.", "May 1 is a bank holiday.",
    "Patience, the build takes {n} minutes.", "Heather honey, 250 g, {price}.", "Carol singers at {time} in the lobby.",
]


def namelike_sentence(r):
    return fill(r.choice(NAMELIKE_SENTENCES), date=plain_date(r), n=str(r.randint(2, 90)), pct=percent(r),
                sku=product_code(r), order=order_no(r), carrier=pick(r, "DHL", "UPS", "FedEx", "EMS"), track=tracking_no(r),
                time=clock(r), ver=version(r), price=amount(r))


def hard_negative(r):
    """One random hard negative as a short labeled-nothing phrase."""
    return wpick(r, [
        (3, lambda: f"request_id={uuid4(r)}"), (3, lambda: f"trace_id={trace_id(r)} span_id={span_id(r)}"),
        (2, lambda: f"commit {git_sha(r, chance(r, 0.5))}"), (3, lambda: f"order {order_no(r)}"),
        (2, lambda: f"invoice {invoice_no(r)}"), (2, lambda: f"at {iso_ts(r)}"), (2, lambda: f"v{version(r).lstrip('v')}"),
        (2, lambda: f"total {amount(r)}"), (1, lambda: f"error rate {percent(r)}"), (3, lambda: f"ref {bad_card(r)}"),
        (2, lambda: f"case {bad_ssn(r)}"), (2, lambda: f"ref. {bad_iban(r)}"), (1, lambda: f"ISBN {isbn(r)}"),
        (2, lambda: f"tracking {tracking_no(r)}"), (2, lambda: product_code(r)), (2, lambda: f"upstream {host_port(r)}"),
        (2, lambda: f"mail from {localhost_email(r)}"), (1, lambda: file_path(r)), (2, lambda: plain_url(r)),
        (1, lambda: f"checksum sha256:{sha256_hex(r)}"), (1, lambda: f"build {ip_like(r)}"),
        (1, lambda: f"card {masked_card(r)}"), (1, lambda: masked_ssn(r)), (1, lambda: colon_hex_like(r)),
        (1, lambda: f"password={placeholder_secret(r)}"), (1, lambda: f"txn {non_luhn_digits(r, 16)}"),
    ])()


# ---------------------------------------------------------------------------------------------------------
# 6. template families
# ---------------------------------------------------------------------------------------------------------
# A family is a function r -> Doc. Positive families always produce at least one span (checked at
# generation time); negative families never produce one. Families mix hard negatives into positive lines too.

FAMILIES = []  # (name, weight, positive, fn)


def family(name, weight=1.0, positive=True):
    def register(fn):
        FAMILIES.append((name, weight, positive, fn))
        return fn
    return register


# --- shared bits ---------------------------------------------------------------------------------------------

EMOJI = ["🙂", "😊", "🙏", "👍", "👍🏽", "😅", "🤦‍♀️", "🎉", "☕", "🔥", "✅", "❤️", "🇩🇪", "🇧🇷", "📦", "😡", "🚀", "👋"]
CHAT_HANDLES = ["user4821", "ops-oncall", "mk_77", "bluefox", "support-bot", "dev_jr", "night.shift", "qa-team",
                "sre_primary", "guest_1139", "helpdesk", "tiger42", "cs-agent-07", "pm.lead"]
USER_AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
               "curl/8.5.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0",
               "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"]
HOSTS = ["web-01", "api-gw-2", "worker-7", "ip-10-0-3-14", "db-replica", "edge-fra-3", "pay-svc-5c9f7d", "k8s-node-12"]


def ua(r):
    return r.choice(USER_AGENTS)


def emoji(r):
    return r.choice(EMOJI)


SNIPPETS = {
    PHONE: ["You can reach me at {v}.", "My number is {v}", "call me on {v} after 6pm", "(mobile: {v})", "WhatsApp {v}",
            "Tel.{v}", "phone:{v}", "my new number: {v}!", "text me at {v}, not the landline", "or ring {v}"],
    EMAIL: ["my email is {v}", "write to {v}.", "please reply to <{v}>", "email me at {v}!", "(e-mail: {v})",
            "cc {v}", "my login is {v}", "send the receipt to {v}, thanks", "contact:{v}"],
    CREDIT_CARD: ["my card {v} was charged twice", "card number: {v}", "I paid with {v} (exp {exp})",
                  "the card on file is {v}.", "charge it to {v}", "card no.{v}"],
    US_SSN: ["my SSN is {v}", "SSN {v}", "social security number {v}.", "SSN:{v}", "(SSN {v})", "SSN# {v}"],
    IBAN: ["please refund to IBAN {v}", "IBAN: {v}", "my account is {v}.", "wire it to {v}", "IBAN {v} (holder as above)"],
    STREET_ADDRESS: ["I live at {v}", "ship it to {v}.", "my new address is {v}", "deliver to {v} please", "address: {v}"],
    IP_ADDRESS: ["my IP is {v}", "I'm connecting from {v}", "the server at {v} keeps timing out", "whitelist {v} please"],
    MAC_ADDRESS: ["my laptop's MAC is {v}", "device MAC {v}", "register MAC {v} on the guest wifi"],
    SECRET: ["I accidentally pasted my token {v} here", "the key is {v}", "here's the API key: {v}", "token={v}"],
    URL_CREDENTIALS: ["the connection string is {v}", "try {v}", "we connect via {v}"],
    DATE_OF_BIRTH: ["I was born on {v}", "my date of birth is {v}", "DOB {v}", "(DOB: {v})", "my birthday: {v}",
                    "date of birth {v}"],
    PERSON_NAME: ["my colleague {v} can confirm", "the account holder is {v}", "please ask for {v}",
                  "{v} from accounting approved it"],
}


def snippet(r, kind, p=None):
    """One clause carrying one sensitive value, for free prose."""
    makers = {DATE_OF_BIRTH: lambda: dob(r),PHONE: lambda: phone(r), EMAIL: lambda: email(r, p), CREDIT_CARD: lambda: card(r), US_SSN: lambda: ssn(r),
              IBAN: lambda: iban(r), STREET_ADDRESS: lambda: address(r), IP_ADDRESS: lambda: ip(r),
              MAC_ADDRESS: lambda: mac(r), SECRET: lambda: P(SECRET, format_token(r)),
              URL_CREDENTIALS: lambda: url_with_credentials(r), PERSON_NAME: lambda: name_doc(r)}
    exp = f"{r.randint(1, 12):02d}/{r.randint(25, 31)}"
    return fill(r.choice(SNIPPETS[kind]), v=makers[kind](), exp=exp)


def prose_kinds(r, n, weights=None):
    weights = weights or {PHONE: 14, EMAIL: 14, CREDIT_CARD: 9, US_SSN: 7, IBAN: 7, STREET_ADDRESS: 10, DATE_OF_BIRTH: 7,
                          IP_ADDRESS: 4, MAC_ADDRESS: 2, SECRET: 3, URL_CREDENTIALS: 2, PERSON_NAME: 6}
    kinds = []
    while len(kinds) < n:
        k = wpick(r, [(w, k) for k, w in weights.items()])
        if k not in kinds:
            kinds.append(k)
    return kinds


def sentence_case(d):
    """Capitalise the first letter of a Doc when it starts with plain text."""
    if d.parts and d.parts[0][1] is None and d.parts[0][0][:1].islower():
        first = d.parts[0][0]
        return Doc([(first[0].upper() + first[1:], None)] + d.parts[1:])
    return d


# --- free prose ----------------------------------------------------------------------------------------------

@family("support_email", 3)
def f_support_email(r):
    p = person(r)
    greeting = pick(r, "Hi support team,", "Hello,", "To whom it may concern,", "Dear Customer Service,", "Hi there,",
                    "Good morning,", "hi", "Hello support")
    issue = fill(pick(r, "I was double charged for order {o}.", "I can't log in since the update to {v}.",
                      "My parcel {t} never arrived.", "I want to close my account.", "Please update my details.",
                      "The refund for {o} ({a}) is still missing."), o=order_no(r), v=version(r), t=tracking_no(r), a=amount(r))
    bits = [sentence_case(snippet(r, k, p)) for k in prose_kinds(r, r.randint(1, 3))]
    body = join(pick(r, " ", "\n", " — "), bits)
    sign = fill(pick(r, "Regards,\n{n}", "Best,\n{n}", "Thanks,\n{n}", "— {n}", "Kind regards\n{n}", "signed, {n}",
                     "Cheers, {n}", "Thank you\n\n{n}\nSent from my iPhone"), n=name_doc(r, p, titled=False))
    return join(pick(r, "\n\n", "\n", " "), [greeting, issue, body, sign])


@family("chat_message", 3)
def f_chat(r):
    lines = []
    for i in range(r.randint(1, 3)):
        who = r.choice(CHAT_HANDLES)
        if i == 0 or chance(r, 0.6):
            msg = fill(pick(r, "{x} {e}", "pls check {x}", "{x}?", "fyi {x} {e}", "ok so {x}", "{e} {x}", "{x}, thx",
                            "@{h} {x}"), x=snippet(r, prose_kinds(r, 1)[0]), e=emoji(r), h=r.choice(CHAT_HANDLES))
        else:
            msg = pick(r, "ok 👍", "on it", "lol", "can you resend?", f"brb {emoji(r)}", "thanks!!", f"see {plain_url(r)}",
                       f"deploy {version(r)} done ✅")
        ts = pick(r, f"[{clock(r)}] ", f"{clock(r)} ", "", f"[{log_ts(r, 'space')[:16]}] ")
        lines.append(ts + who + pick(r, ": ", " > ", ": ", " — ") + msg)
    out = join("\n", lines)
    if not out.has_spans():
        out = out + "\n" + r.choice(CHAT_HANDLES) + ": " + snippet(r, PHONE)
    return out


@family("crm_note", 2)
def f_crm_note(r):
    p = person(r)
    parts = [fill(pick(r, "Called cust. {n} re: {o}.", "cust {n} called about {o}", "Inbound call from {n} ({o})",
                       "Spoke w/ {n} — ticket {o}"), n=name_doc(r, p), o=order_no(r))]
    extra = r.sample(["dob", "ssn", "phone", "email", "addr", "masked", "card"], r.randint(1, 3))
    for k in extra:
        parts.append({
            "dob": lambda: fill(pick(r, "Verified DOB {d}.", "ID check ok (dob {d})", "DOB:{d} confirmed"), d=dob(r)),
            "ssn": lambda: fill(pick(r, "SSN on file {s}.", "ssn {s} matches", "Verified SSN:{s}"), s=ssn(r)),
            "phone": lambda: fill(pick(r, "New phone {t}.", "cb number {t}", "prefers text to {t}"), t=phone(r)),
            "email": lambda: fill(pick(r, "Updated email -> {m}", "email chg to {m}.", "sent link to {m}"), m=email(r, p)),
            "addr": lambda: fill(pick(r, "Moved to {a}.", "new addr: {a}", "ship to {a} going fwd"), a=address(r)),
            "masked": lambda: fill("Card {c} on file, {m}.", c=masked_card(r), m=masked_ssn(r)),
            "card": lambda: fill(pick(r, "Reissued card {c}.", "cust read out card {c} (do NOT store)"), c=card(r)),
        }[k]())
    parts.append(pick(r, "Escalated to tier 2.", "Resolved.", f"Follow-up {plain_date(r)}.", "Refund approved.", "No further action."))
    return join(pick(r, " ", "\n", " | "), parts)


@family("complaint", 2)
def f_complaint(r):
    p = person(r)
    opener = fill(pick(r, "I, {n}, am writing to complain", "This is the THIRD time I'm writing", "My name is {n} and I am FURIOUS",
                       "Complaint from {n}", "URGENT!!! I have been a customer for {y} years"),
                  n=name_doc(r, p, titled=False), y=str(r.randint(2, 20)))
    facts = [sentence_case(snippet(r, k, p)) for k in prose_kinds(r, r.randint(1, 3), {CREDIT_CARD: 5, IBAN: 4, PHONE: 4, EMAIL: 4,
                                                                                          STREET_ADDRESS: 3, US_SSN: 2})]
    tail = pick(r, "I expect a full refund of " + amount(r) + ".", "FIX THIS NOW.", "I will dispute the charge with my bank.",
                "Ref " + order_no(r) + ".", "Shame on you.")
    text = join(" ", [opener + pick(r, ".", "!", "!!", ":"), *facts, tail])
    return doc(text) if chance(r, 0.85) else Doc([(t.upper() if k is None else t, k) for t, k in text.parts])


PROFESSIONS = ["software engineer", "nurse", "architect", "journalist", "marathon runner", "chef", "data scientist",
               "violinist", "civil engineer", "teacher", "entrepreneur", "photographer"]
BIRTH_PLACES = ["Lagos", "São Paulo", "Kraków", "Chennai", "Osaka", "Nairobi", "Tehran", "Guadalajara", "Cork",
                "Thessaloniki", "Hanoi", "Bergen", "Izmir", "Addis Ababa", "Surabaya", "Cebu", "Debrecen", "Lyon"]


@family("bio", 2)
def f_bio(r):
    p = person(r)
    n = name_doc(r, p, titled=chance(r, 0.2), style="full")
    d = dob(r)
    place, job = r.choice(BIRTH_PLACES), r.choice(PROFESSIONS)
    t = pick(r, "{n} (born {d} in {place}) is a {job} based in {city}.",
             "{n} was born on {d} in {place}. A {job}, {n_short} joined us in {year}.",
             "About the author: {n}, {job}. Date of birth: {d}.",
             "{n} — {job}, b. {place}; birthday {d}.",
             "Speaker bio. {n} is a {job}. Born {d}, {they} has given talks in {city} and {place}.")
    return fill(t, n=n, d=d, place=place, job=job, city=r.choice(BIRTH_PLACES), year=str(r.randint(2005, 2024)),
                n_short=pick(r, "she", "he", "they"),
                they=pick(r, "she", "he", "the speaker"))


@family("profile_bio", 1.5)
def f_profile_bio(r):
    p = person(r)
    bits = [fill(pick(r, "👋 Hi, I'm {n}", "{n} 🌍", "✨ {n} ✨", "I'm {n}"), n=name_doc(r, p, titled=False, style="full"))]
    if chance(r, 0.6):
        bits.append(fill(pick(r, "🎂 {d}", "birthday {d} 🎉", "born {d}"), d=dob(r)))
    bits.append(pick(r, "📍 " + r.choice(BIRTH_PLACES), "coffee ☕ + code", f"{r.choice(PROFESSIONS)} 🚀", "he/him", "she/her"))
    if chance(r, 0.5):
        bits.append(fill(pick(r, "✉️ {m}", "DM or {m}", "📧{m}"), m=email(r, p)))
    if chance(r, 0.3):
        bits.append(fill("📞 {t}", t=phone(r)))
    r.shuffle(bits)
    return join(pick(r, " | ", " · ", "\n", " • "), bits)


@family("postal_letter", 2)
def f_postal_letter(r):
    sender, recipient = person(r), person(r)
    country = r.choice(list(ADDRESS_COUNTRIES))
    head = name_doc(r, sender, titled=False, style="full") + "\n" + address_block(r, country, with_country=chance(r, 0.4))
    salutation = fill(pick(r, "Dear {n},", "Dear {n}", "Hello {n},", "{n},"), n=name_doc(r, recipient, style=pick(r, "formal", "full")))
    body = pick(r, f"Further to our call on {plain_date(r)}, please find enclosed the signed contract ({invoice_no(r)}).",
                f"I am writing regarding invoice {invoice_no(r)} for {amount(r)}.", "Please note my change of address above.",
                f"Thank you for your letter of {plain_date(r)}.")
    close = fill(pick(r, "Yours sincerely,\n{n}", "Kind regards,\n{n}", "Sincerely,\n\n{n}"), n=name_doc(r, sender, titled=False))
    return join("\n\n", [head, plain_date(r), salutation, body, close])


# --- forms and records ---------------------------------------------------------------------------------------

def form_field(r, label, value, style):
    if style == "colon":
        return fill("{l}: {v}", l=label, v=value)
    if style == "tight":
        return fill("{l}:{v}", l=label, v=value)
    if style == "tab":
        return fill("{l}\t{v}", l=label, v=value)
    if style == "bullet":
        return fill("• {l} — {v}", l=label, v=value)
    return fill("{l} = {v}", l=label, v=value)


@family("shipping_form", 2.5)
def f_shipping_form(r):
    p = person(r)
    style = pick(r, "colon", "colon", "tight", "tab", "bullet", "equals")
    caps = chance(r, 0.2)
    lab = lambda s: s.upper() if caps else s
    fields = [form_field(r, lab(pick(r, "Full name", "Name", "Recipient", "Customer")), name_doc(r, p, titled=False), style)]
    if chance(r, 0.7):
        fields.append(form_field(r, lab(pick(r, "Address", "Street", "Shipping address")), address(r), style))
    else:
        fields.append(lab("Ship to") + ":\n" + address_block(r, with_country=chance(r, 0.5)))
    if chance(r, 0.8):
        fields.append(form_field(r, lab(pick(r, "Phone", "Tel", "Mobile", "Contact no.")), phone(r), style))
    if chance(r, 0.7):
        fields.append(form_field(r, lab(pick(r, "Email", "E-mail", "email address")), email(r, p), style))
    fields.append(form_field(r, lab("Order"), order_no(r), style))
    if chance(r, 0.5):
        fields.append(form_field(r, lab(pick(r, "Delivery notes", "Notes")), pick(r, "Leave at the door", "Ring twice",
                                 f"Call before {clock(r)}", "Gate code 4471", "Fragile!"), style))
    return join("\n", fields)


@family("web_form_submission", 2)
def f_web_form(r):
    p = person(r)
    head = pick(r, f"New submission from Contact form (#{r.randint(1000, 99999)})", "Form: Request a demo",
                f"[Typeform] New response {uuid4(r)[:8]}", "Website enquiry", f"Submission received {iso_ts(r)}")
    fields = [("Name", name_doc(r, p, titled=False)), ("E-mail", email(r, p))]
    for k in r.sample(["phone", "company", "dob", "message", "ip", "consent"], r.randint(2, 4)):
        fields.append({
            "phone": lambda: ("Phone", phone(r)),
            "company": lambda: ("Company", pick(r, "Acme GmbH", "Globex", "self-employed", "Initech Ltd", "—")),
            "dob": lambda: (pick(r, "Date of birth", "Birthday", "DOB"), dob(r)),
            "message": lambda: ("Message", pick(r, "Please call me back.", f"Interested in plan {product_code(r)}",
                                                "Can you send pricing?", "I'd like to book a demo next week")),
            "ip": lambda: ("Submitted from IP", ip(r)),
            "consent": lambda: ("Consent", f"yes ({plain_date(r)})"),
        }[k]())
    style = pick(r, "bullet", "colon", "tab")
    return head + "\n" + join("\n", [form_field(r, l, v, style) for l, v in fields])


@family("hr_record", 2)
def f_hr_record(r):
    p = person(r)
    emp = f"EMP-{r.randint(1, 99999):05d}"
    if chance(r, 0.4):
        return join(" | ", [emp, name_doc(r, p, titled=False, style=pick(r, "full", "comma", "caps")), fill("DOB {d}", d=dob(r)),
                            fill("SSN {s}", s=ssn(r)), fill("IBAN {i}", i=iban(r)), f"start {plain_date(r)}", f"salary {amount(r)}"])
    lines = [pick(r, "EMPLOYEE RECORD", "Personnel file", "== HR export =="),
             fill("Employee: {n} ({e})", n=name_doc(r, p, titled=False), e=emp),
             fill(pick(r, "Date of birth: {d}", "DOB: {d}", "Birth date: {d}"), d=dob(r))]
    if chance(r, 0.75):
        lines.append(fill(pick(r, "SSN: {s}", "Social Security No.: {s}", "SSN:{s}"), s=ssn(r, plain_ok=True)))
    lines.append(fill("Home: {a}", a=address(r)))
    if chance(r, 0.6):
        lines.append(fill("Bank: IBAN {i}", i=iban(r)))
    lines += [f"Start date: {plain_date(r)}", f"Salary: {amount(r)}", f"Manager ID: {uuid4(r)[:8]}"]
    return join("\n", lines)


@family("kyc_check", 1.5)
def f_kyc(r):
    p = person(r)
    return fill(pick(r, 'kyc.verify result={res} applicant="{n}" dob={d} ssn={s} addr="{a}" score={sc} ref={ref}',
                     'KYC {res}: {n} | DOB {d} | SSN {s} | {a} | ref {ref}',
                     '[identity] status={res} name={n} birth_date={d} ssn_match=true ssn={s} address="{a}" request_id={ref}'),
                res=pick(r, "pass", "review", "fail"), n=name_doc(r, p, titled=False, style="full"),
                d=P(DATE_OF_BIRTH, date_text(r, *ymd(r, 1940, 2006), lang="en")), s=ssn(r, plain_ok=True), a=address(r),
                sc=f"{r.random():.2f}", ref=uuid4(r))


@family("medical_intake", 1.5)
def f_medical(r):
    p, q = person(r), person(r)
    lines = [fill(pick(r, "Patient: {n}", "PATIENT NAME: {n}", "Pt. {n}"), n=name_doc(r, p, titled=False, style=pick(r, "full", "comma", "caps"))),
             fill(pick(r, "D.O.B.: {d}", "DOB: {d}", "Date of birth: {d}"), d=dob(r)),
             f"MRN: {r.randint(1000000, 99999999)}",
             fill("Phone: {t}", t=phone(r)),
             f"Insurance ID: {rs(r, UPPER_NUM, 3)}{r.randint(100000000, 999999999)}",
             fill("Emergency contact: {n} ({t})", n=name_doc(r, q, titled=False), t=phone(r)),
             pick(r, "Allergies: penicillin", "Allergies: none known", "Allergies: latex, peanuts"),
             f"Visit: {plain_date(r)} {clock(r)}, BP 120/80, temp 36.{r.randint(4, 9)} °C"]
    if chance(r, 0.3):
        lines.insert(3, fill("SSN: {s}", s=ssn(r)))
    return join("\n", lines)


@family("vcard", 1)
def f_vcard(r):
    p = person(r)
    lines = ["BEGIN:VCARD", "VERSION:3.0", fill("FN:{n}", n=name_doc(r, p, titled=False, style="full")),
             f"ORG:{pick(r, 'Acme Corp', 'Globex', 'Initech', 'Umbrella Labs')}"]
    lines.append(fill("TEL;TYPE={t}:{v}", t=pick(r, "CELL", "WORK,VOICE", "HOME"), v=phone(r)))
    lines.append(fill("EMAIL;TYPE=INTERNET:{v}", v=email(r, p)))
    if chance(r, 0.6):
        lines.append(fill("BDAY:{d}", d=P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1945, 2005))))
    lines += [f"REV:{iso_ts(r)}", f"UID:urn:uuid:{uuid4(r)}", "END:VCARD"]
    return join("\r\n" if chance(r, 0.3) else "\n", lines)


@family("meeting_notes", 1.5)
def f_meeting_notes(r):
    people = [person(r) for _ in range(r.randint(2, 4))]
    attendees = join(", ", [name_doc(r, p, titled=False, style="full") for p in people])
    items = []
    for p in people[:r.randint(1, len(people))]:
        who = name_doc(r, p, titled=False, style="given")
        items.append(fill(pick(r, "- {w} to send the deck by {d}", "- {w}: follow up with legal", "- {w} owns {o}"),
                          w=who, d=plain_date(r), o=order_no(r)))
    items.append(pick(r, "- Mark the date: offsite " + plain_date(r), "- Will the budget cover Q3? TBD",
                      "- Bill the client for the extra hours", "- May release slips to June"))
    return join("\n", [pick(r, "Meeting notes", "Weekly sync", f"Standup {plain_date(r)}"), fill("Attendees: {a}", a=attendees), *items])


# --- application logs ----------------------------------------------------------------------------------------

JAVA_LOGGERS = ["c.e.shop.CheckoutService", "c.a.auth.LoginHandler", "o.s.web.servlet.DispatcherServlet",
                "com.acme.billing.RefundJob", "d.v.notify.SmsSender", "c.e.crm.CustomerSync", "i.n.payments.Gateway"]


def log_message(r, p=None):
    """A typical application log message with one or two sensitive values and some ids."""
    p = p or person(r)
    return wpick(r, [
        (4, lambda: fill("Payment authorized card={c} amount={a} order={o}", c=card(r), a=amount(r), o=order_no(r))),
        (5, lambda: fill("User {m} logged in from {i}", m=email(r, p), i=ip(r))),
        (3, lambda: fill("Sending SMS to {t} (template=otp, id={u})", t=phone(r), u=uuid4(r))),
        (4, lambda: fill("Failed login for user '{m}' from {i} (attempt {n})", m=email(r, p), i=ip(r), n=str(r.randint(2, 9)))),
        (2, lambda: fill("Updating address for customerId={n}: {a}", n=str(r.randint(1000, 999999)), a=address(r))),
        (2, lambda: fill("Refund {o} issued to IBAN {i}", o=invoice_no(r), i=iban(r))),
        (2, lambda: fill("Created customer name=\"{n}\" email={m} phone={t}", n=name_doc(r, p, titled=False), m=email(r, p), t=phone(r))),
        (2, lambda: fill("SSN validation ok for applicant {u}: {s}", u=uuid4(r), s=ssn(r))),
        (2, lambda: fill("Using API key {k} for provider {v}", k=P(SECRET, format_token(r)), v=pick(r, "stripe", "twilio", "openai", "github"))),
        (2, lambda: fill("Connecting to {url} (pool={n})", url=url_with_credentials(r), n=str(r.randint(2, 50)))),
        (1, lambda: fill("Mirror sync from {url} failed: 401", url=url_with_credentials(r, pick(r, "web", "file")))),
        (1, lambda: fill("Device {mc} registered to {m}", mc=mac(r), m=email(r, p))),
        (2, lambda: fill("Delivery address changed by {n}: {a}", n=name_doc(r, p), a=address(r))),
        (1, lambda: fill("KYC check: dob={d} matches", d=P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1940, 2006)))),
        (1, lambda: fill("Rate limit exceeded for {i} on {h}", i=ip(r), h=host_port(r))),
    ])()


@family("log_spring", 2.5)
def f_log_spring(r):
    lvl = pick(r, "INFO", "WARN", "ERROR", "DEBUG", " INFO")
    pre = pick(r, f"{log_ts(r, 'space')} {lvl} {r.randint(1, 65535)} --- [nio-8080-exec-{r.randint(1, 10)}] {r.choice(JAVA_LOGGERS)} : ",
               f"{log_ts(r, 'comma')} [{pick(r, 'main', 'pool-2-thread-3', 'kafka-consumer-1')}] {lvl.strip()} {r.choice(JAVA_LOGGERS)} - ",
               f"[{log_ts(r, 'iso')}] [{lvl.strip()}] ")
    out = pre + log_message(r)
    if chance(r, 0.3):
        out = out + f" traceId={trace_id(r)} spanId={span_id(r)}"
    return out


@family("log_python", 2)
def f_log_python(r):
    lvl = pick(r, "INFO", "WARNING", "ERROR", "DEBUG", "CRITICAL")
    name = pick(r, "payments.worker", "app.views", "celery.task", "root", "uvicorn.error", "notify")
    pre = pick(r, f"{log_ts(r, 'comma')} - {name} - {lvl} - ", f"{lvl}:{name}:", f"[{log_ts(r, 'space')}] {lvl} in {name}: ",
               f"{log_ts(r, 'iso')} {lvl:<8} [{name}] ")
    return pre + log_message(r)


@family("logfmt", 2.5)
def f_logfmt(r):
    p = person(r)
    pairs = [f"ts={log_ts(r, 'iso')}", f"level={pick(r, 'info', 'warn', 'error', 'debug')}",
             f'msg="{pick(r, "login failed", "user signup", "profile updated", "request completed", "webhook received")}"']
    extras = r.sample(["email", "ip", "phone", "user", "mac", "card", "secret", "dob", "v6"], r.randint(1, 3))
    for k in extras:
        pairs.append({
            "email": lambda: fill("email={v}", v=email(r, p)), "ip": lambda: fill("remote_addr={v}", v=ip(r, False)),
            "phone": lambda: fill('phone="{v}"', v=phone(r)), "user": lambda: fill('user="{v}"', v=name_doc(r, p, titled=False)),
            "mac": lambda: fill("client_mac={v}", v=mac(r)), "card": lambda: fill("pan={v}", v=P(CREDIT_CARD, card_digits(r)[1])),
            "secret": lambda: keyword_secret(r, key=pick(r, "token", "api_key", "secret"), style="="),
            "dob": lambda: fill("dob={v}", v=P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1940, 2006))),
            "v6": lambda: fill("client_ip={v}", v=ip(r, True)),
        }[k]())
    pairs += r.sample([f"request_id={uuid4(r)}", f"trace_id={trace_id(r)}", f"duration_ms={r.randint(1, 4000)}",
                       f"status={r.choice([200, 201, 400, 401, 403, 500])}", f"version={version(r)}", f"upstream={host_port(r)}",
                       f"path=/api/v{r.randint(1, 3)}/users/{r.randint(1, 99999)}"], r.randint(1, 4))
    r.shuffle(pairs)
    return join(" ", pairs)


def json_str(value):
    """A JSON string literal around a Doc whose text needs no escaping."""
    v = doc(value)
    assert '"' not in v.text() and "\\" not in v.text(), v.text()
    return '"' + v + '"'


@family("json_log", 2.5)
def f_json_log(r):
    p = person(r)
    fields = [('"ts"', f'"{iso_ts(r)}"'), ('"level"', f'"{pick(r, "info", "warn", "error")}"'),
              ('"msg"', json_str(pick(r, "order created", "user updated", "payment failed", "signup")))]
    for k in r.sample(["email", "phone", "name", "ip", "card", "iban", "address", "dob", "ssn", "pem", "token"], r.randint(1, 4)):
        fields.append({
            "email": lambda: ('"email"', json_str(email(r, p))), "phone": lambda: ('"phone"', json_str(phone(r))),
            "name": lambda: ('"customer_name"', json_str(name_doc(r, p, titled=False, style="full"))),
            "ip": lambda: ('"client_ip"', json_str(ip(r))), "card": lambda: ('"card_number"', json_str(card(r))),
            "iban": lambda: ('"iban"', json_str(iban(r))), "address": lambda: ('"shipping_address"', json_str(address(r))),
            "dob": lambda: ('"date_of_birth"', json_str(P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1940, 2006)))),
            "ssn": lambda: ('"ssn"', json_str(ssn(r))),
            "pem": lambda: ('"private_key"', '"' + P(SECRET, pem_key(r, newline="\\n")) + '\\n"'),
            "token": lambda: ('"authorization"', json_str("Bearer " + P(SECRET, jwt_value(r)))),
        }[k]())
    fields += r.sample([('"trace_id"', f'"{trace_id(r)}"'), ('"order_id"', f'"{order_no(r)}"'), ('"latency_ms"', str(r.randint(1, 3000))),
                        ('"avatar"', f'"{base64_image(r)}"'), ('"checksum"', f'"sha256:{sha256_hex(r)}"'), ('"version"', f'"{version(r)}"'),
                        ('"card_last4"', f'"{digits(r, 4)}"'), ('"ref"', f'"{bad_card(r, "")}"')], r.randint(1, 3))
    sep = pick(r, ",", ", ")
    body = "{" + join(sep, [k + pick(r, ":", ": ") + v for k, v in fields]) + "}"
    return pick(r, "", f"{log_ts(r, 'space')} DEBUG request body: ", f"{log_ts(r, 'iso')} {r.choice(HOSTS)} app[{r.randint(100, 9999)}]: ",
                "payload=", "event: ") + body


@family("access_log", 2)
def f_access_log(r):
    p = person(r)
    client = ip(r)
    method = pick(r, "GET", "POST", "PUT", "DELETE")
    path = wpick(r, [(3, fill("/api/v1/users?email={m}", m=email(r, p))), (2, fill("/login?next=%2Fhome&user={m}", m=email(r, p))),
                     (3, f"/api/v2/orders/{r.randint(1000, 999999)}"), (2, f"/static/app.{git_sha(r, True)}.js"),
                     (1, fill("/track?id={i}", i=tracking_no(r))), (1, fill("/api/sms/verify?to={t}", t=P(PHONE, phone_e164(r)))),
                     (1, f"/health")])
    referer = wpick(r, [(5, "-"), (2, plain_url(r)), (1, "https://" + P(URL_CREDENTIALS, f"{pick(r, 'admin', 'ops')}:{url_password(r)}") + "@intranet.example.com/")])
    line = fill('{c} - {u} [{t}] "{m} {p} HTTP/1.1" {s} {b} "{ref}" "{ua}"', c=client, u=pick(r, "-", "-", "jdoe_ops"),
                t=log_ts(r, "clf"), m=method, p=path, s=str(r.choice([200, 201, 204, 301, 400, 401, 404, 500])),
                b=str(r.randint(0, 99999)), ref=referer, ua=ua(r))
    if chance(r, 0.25):
        line = line + fill(' xff="{a}, {b}"', a=ip(r, False), b=ip(r, False))
    return line


@family("syslog_network", 3)
def f_syslog_network(r):
    host = r.choice(HOSTS)
    pre = f"{log_ts(r, 'syslog')} {host} "
    t = wpick(r, [
        (4, lambda: fill("dhcpd[{pid}]: DHCPACK on {i} to {m} ({h}) via eth0", pid=str(r.randint(100, 9999)), i=ip(r, False), m=mac(r),
                         h=pick(r, "laptop-7", "iphone", "printer-2f", "android-5c1e", "NB-042"))),
        (3, lambda: fill("sshd[{pid}]: Accepted publickey for {u} from {i} port {port} ssh2: ED25519 SHA256:{fp}", pid=str(r.randint(100, 99999)),
                         u=pick(r, "deploy", "ubuntu", "git"), i=ip(r), port=str(r.randint(1024, 65535)), fp=b64(rbytes(r, 32), pad=False))),
        (3, lambda: fill("sshd[{pid}]: Failed password for invalid user {u} from {i} port {port} ssh2", pid=str(r.randint(100, 99999)),
                         u=pick(r, "admin", "test", "oracle"), i=ip(r), port=str(r.randint(1024, 65535)))),
        (3, lambda: fill("hostapd: wlan0: STA {m} IEEE 802.11: associated (aid {n})", m=mac(r), n=str(r.randint(1, 30)))),
        (3, lambda: fill("kernel: arp: {i} moved from {a} to {b} on em0", i=ip(r, False), a=mac(r), b=mac(r))),
        (2, lambda: fill("kernel: IPv6: {i} neighbor lladdr {m} REACHABLE", i=ip(r, True), m=mac(r))),
        (2, lambda: fill("NetworkManager[{pid}]: <info> device (wlp2s0): Activation: successful, IP {i}/24, gw {g}", pid=str(r.randint(100, 9999)),
                         i=ip(r, False), g=ip(r, False))),
        (2, lambda: fill("firewall: DROP IN=eth0 SRC={s} DST={d} PROTO=TCP SPT={a} DPT={b}", s=ip(r), d=ip(r), a=str(r.randint(1024, 65535)),
                         b=str(r.choice([22, 23, 445, 3389])))),
    ])()
    return pre + t


@family("device_inventory", 2)
def f_device_inventory(r):
    sep = pick(r, " | ", "\t", ", ", ";")
    header = sep.join(["hostname", "owner", "mac", "ip", "os", "serial"])
    rows = [header]
    for _ in range(r.randint(1, 3)):
        p = person(r)
        owner = name_doc(r, p, titled=False, style="full" if sep == ", " else pick(r, "full", "comma"))
        os_name = pick(r, f"Windows 10.0.{r.randint(19041, 22631)}", f"macOS 14.{r.randint(0, 5)}", "Ubuntu 22.04")
        rows.append(join(sep, [pick(r, "LT-", "PC-", "MAC-") + str(r.randint(100, 9999)), owner, mac(r), ip(r), os_name,
                               rs(r, UPPER_NUM, 10)]))
    return join("\n", rows)


@family("python_traceback", 2)
def f_traceback(r):
    p = person(r)
    frames = ('Traceback (most recent call last):\n'
              f'  File "/app/{pick(r, "worker", "main", "tasks/sync")}.py", line {r.randint(10, 400)}, in <module>\n')
    err = wpick(r, [
        (3, lambda: fill('    conn = psycopg2.connect("{u}")\n  File "/usr/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect\n'
                         'psycopg2.OperationalError: connection to server at "db-prod-01.internal" ({i}), port 5432 failed: FATAL:  password authentication failed',
                         u=url_with_credentials(r, "sql", user="app"), i=ip(r, False))),
        (1, lambda: fill("    r = redis.from_url(url)\nredis.exceptions.AuthenticationError: invalid username-password pair (url={u})",
                         u=url_with_credentials(r, "redis"))),
        (3, lambda: fill('    db.session.commit()\nsqlalchemy.exc.IntegrityError: duplicate key value violates unique constraint "users_email_key"\n'
                         'DETAIL:  Key (email)=({m}) already exists.', m=email(r, p))),
        (2, lambda: fill("    client = Client(api_key=settings.API_KEY)\nKeyError: 'region'\nlocals: {'api_key': '{k}', 'user': '{m}'}",
                         k=P(SECRET, format_token(r)), m=email(r, p))),
        (2, lambda: fill("    validate(payload)\nValueError: card {c} rejected by issuer (code 05) for {n}", c=card(r), n=name_doc(r, p, titled=False))),
        (2, lambda: fill("    send_sms(to)\ntwilio.base.exceptions.TwilioRestException: Unable to create record: The 'To' number {t} is not a valid phone number.",
                         t=phone(r))),
        (1, lambda: fill("    boto3.client('s3', aws_access_key_id='{a}', aws_secret_access_key='{s}')\nbotocore.exceptions.ClientError: AccessDenied",
                         a=P(SECRET, aws_key_id(r)), s=P(SECRET, aws_secret_key(r)))),
    ])()
    return frames + err


@family("java_stacktrace_config", 2)
def f_java_stack(r):
    head = pick(r, "org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource'",
                f"{log_ts(r, 'space')} ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed")
    cause = pick(r, 'Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "svc_orders"',
                 "Caused by: java.net.ConnectException: Connection refused", "Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed")
    frames = []
    for _ in range(r.randint(2, 4)):
        pkg, cls, method = r.choice([("org.postgresql.core.v3", "ConnectionFactoryImpl", "openConnectionImpl"),
                                     ("com.zaxxer.hikari.pool", "HikariPool", "checkFailFast"),
                                     ("org.springframework.boot", "SpringApplication", "run"),
                                     ("org.springframework.beans.factory.support", "AbstractBeanFactory", "getBean")])
        frames.append(f"\tat {pkg}.{cls}.{method}({cls}.java:{r.randint(50, 900)})")
    frames = "\n".join(frames)
    cfg = [pick(r, "Effective configuration:", "--- config dump ---", "Resolved properties:")]
    keys = r.sample(["url", "user", "password", "stripe", "jwt", "aws", "port", "version", "pem", "mail"], r.randint(3, 6))
    for k in keys:
        cfg.append("  " + {
            "url": lambda: fill("spring.datasource.url={u}", u=pick(r, "jdbc:postgresql://db:5432/orders", "jdbc:mysql://mysql.internal:3306/shop")
                                if chance(r, 0.5) else "jdbc:" + url_with_credentials(r, "sql")),
            "user": lambda: doc("spring.datasource.username=svc_orders"),
            "password": lambda: keyword_secret(r, key="spring.datasource.password", style="="),
            "stripe": lambda: fill("stripe.api-key={k}", k=P(SECRET, stripe_key(r))),
            "jwt": lambda: keyword_secret(r, key="security.jwt.secret", style="="),
            "aws": lambda: fill("cloud.aws.credentials.access-key={k}", k=P(SECRET, aws_key_id(r))),
            "port": lambda: doc(f"server.port={r.choice([8080, 8443, 9000])}"),
            "version": lambda: doc(f"info.app.version={version(r)}"),
            "pem": lambda: fill("tls.key={k}", k=P(SECRET, pem_key(r, newline="\\n"))),
            "mail": lambda: fill("spring.mail.username={m}", m=email(r)),
        }[k]())
    out = join("\n", [head, cause, frames, *cfg])
    if not out.has_spans():
        out = out + "\n  " + keyword_secret(r, key="spring.datasource.password", style="=")
    return out


ENV_NEGATIVES = lambda r: [f"PORT={r.choice([3000, 8080, 8443])}", "NODE_ENV=production", f"APP_VERSION={version(r)}", "LOG_LEVEL=debug",
                           f"REDIS_URL=redis://redis:6379/0", f"TZ=Europe/{pick(r, 'Berlin', 'Lisbon', 'Warsaw')}", f"BUILD_SHA={git_sha(r)}",
                           f"DB_PASSWORD={placeholder_secret(r)}", f"PUBLIC_URL={plain_url(r)}", f"WORKERS={r.randint(1, 16)}",
                           "HOME=/home/app", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"]


@family("env_dump", 2.5)
def f_env_dump(r):
    secrets = []
    for k in r.sample(["db", "broker", "aws", "aws_secret", "stripe", "github", "slack", "sendgrid", "openai", "npm", "jwt", "google", "generic"], r.randint(1, 4)):
        secrets.append({
            "db": lambda: fill("DATABASE_URL={u}", u=url_with_credentials(r, pick(r, "sql", "sql", "mongo"))),
            "broker": lambda: fill(pick(r, "REDIS_URL={u}", "CELERY_BROKER_URL={u}"), u=url_with_credentials(r, pick(r, "redis", "amqp"))),
            "aws": lambda: fill("AWS_ACCESS_KEY_ID={v}", v=P(SECRET, aws_key_id(r))),
            "aws_secret": lambda: keyword_secret(r, key="AWS_SECRET_ACCESS_KEY", style="=", value=aws_secret_key(r)),
            "stripe": lambda: fill("STRIPE_SECRET_KEY={v}", v=P(SECRET, stripe_key(r))),
            "github": lambda: fill("GITHUB_TOKEN={v}", v=P(SECRET, github_token(r))),
            "slack": lambda: fill("SLACK_BOT_TOKEN={v}", v=P(SECRET, slack_token(r))),
            "sendgrid": lambda: fill("SENDGRID_API_KEY={v}", v=P(SECRET, sendgrid_key(r))),
            "openai": lambda: fill("OPENAI_API_KEY={v}", v=P(SECRET, llm_api_key(r))),
            "npm": lambda: fill("NPM_TOKEN={v}", v=P(SECRET, npm_token(r))),
            "jwt": lambda: keyword_secret(r, key="JWT_SECRET", style="="),
            "google": lambda: fill("GOOGLE_MAPS_KEY={v}", v=P(SECRET, google_api_key(r))),
            "generic": lambda: keyword_secret(r, key=pick(r, "DB_PASSWORD", "REDIS_PASSWORD", "SESSION_SECRET", "API_KEY"), style="="),
        }[k]())
    lines = secrets + r.sample(ENV_NEGATIVES(r), r.randint(2, 5))
    r.shuffle(lines)
    prefix = pick(r, "", "$ printenv\n", "# .env\n", "+ env | sort\n", "export ")
    if prefix == "export ":
        return join("\n", ["export " + l for l in lines])
    return prefix + join("\n", lines)


@family("config_file", 2.5)
def f_config(r):
    kind = pick(r, "yaml", "toml", "ini", "properties", "compose", "k8s_secret")
    if kind == "k8s_secret":
        pw = strong_token(r, r.randint(12, 24), PASSWORD_ALPHABET)
        return join("\n", ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {pick(r, 'db-credentials', 'app-secrets')}",
                           "type: Opaque", "data:", "  username: " + b64(b"app_user"),
                           fill("  password: {v}", v=P(SECRET, b64(pw.encode())))])
    if kind == "yaml":
        return join("\n", ["database:", f"  host: {pick(r, 'db.internal', 'localhost')}", f"  port: {r.choice([5432, 3306])}",
                           "  user: app", "  " + keyword_secret(r, key="password", style=": "),
                           "smtp:", fill("  from: {m}", m=email(r)), "  " + keyword_secret(r, key="password", style=": '"),
                           "features:", f"  beta: {pick(r, 'true', 'false')}", f"  version: {version(r)}"])
    if kind == "toml":
        return join("\n", ["[server]", f'bind = "localhost:{r.choice([8080, 9000])}"', "", "[stripe]",
                           fill('secret_key = "{v}"', v=P(SECRET, stripe_key(r))), "", "[sentry]", f'release = "{version(r)}"'])
    if kind == "ini":
        return join("\n", ["[client]", "user=backup", keyword_secret(r, key="password", style="="), "host=db-02.internal",
                           "", "[mysqldump]", "max_allowed_packet=64M"])
    if kind == "properties":
        return join("\n", ["# generated " + iso_ts(r), "mail.smtp.host=smtp.example.com", fill("mail.smtp.user={m}", m=email(r)),
                           keyword_secret(r, key="mail.smtp.password", style="="), fill("broker.url={u}", u=url_with_credentials(r, "amqp")),
                           f"app.build={git_sha(r, True)}"])
    return join("\n", ["services:", "  api:", f"    image: ghcr.io/example/api:{version(r)}", "    environment:",
                       fill("      - DATABASE_URL={u}", u=url_with_credentials(r, "sql")), fill("      - GITHUB_TOKEN={v}", v=P(SECRET, github_token(r))),
                       f"      - PORT={r.choice([3000, 8080])}", "    ports:", f'      - "{r.choice([3000, 8080])}:{r.choice([3000, 8080])}"'])


@family("ci_log", 2)
def f_ci_log(r):
    lines = [f"##[group]Run actions/checkout@v4", f"Syncing repository: example/{pick(r, 'api', 'web', 'infra')}",
             f"HEAD is now at {git_sha(r, True)} {pick(r, 'Fix flaky test', 'Bump deps', 'Release ' + version(r))}"]
    leak = wpick(r, [
        (3, lambda: fill("+ git push https://{c}@github.com/example/api.git HEAD:main",
                         c=P(URL_CREDENTIALS, "x-access-token:" + pick(r, "ghs_", "ghp_") + strong_token(r, 36)))),
        (3, lambda: fill("+ curl -sf -H 'Authorization: token {t}' https://api.github.com/repos/example/api/releases", t=P(SECRET, github_token(r)))),
        (2, lambda: fill("npm notice Publishing to https://registry.npmjs.org/ with token {t}", t=P(SECRET, npm_token(r)))),
        (2, lambda: fill("+ docker login -u ci -p {t} registry.example.com", t=P(SECRET, strong_token(r, 32)))),
        (2, lambda: fill("Author: {n} <{m}>", n=name_doc(r, titled=False, style="full"), m=email(r))),
        (2, lambda: fill("+ export AWS_ACCESS_KEY_ID={a}", a=P(SECRET, aws_key_id(r)))),
        (1, lambda: fill("Notifying {m} about build #{n}", m=email(r), n=str(r.randint(100, 99999)))),
    ])()
    lines.append(leak)
    lines += [f"Step {r.randint(2, 9)}/12 : RUN make test", f"Successfully built {git_sha(r)[:12]}",
              f"digest: sha256:{sha256_hex(r)} size: {r.randint(500, 5000)}"][:r.randint(1, 3)]
    return join("\n", lines)


@family("git_log_diff", 1.5)
def f_git_log(r):
    p = person(r)
    head = fill("commit {sha}\nAuthor: {n} <{m}>\nDate:   {d}\n\n    {msg}\n", sha=git_sha(r), n=name_doc(r, p, titled=False, style="full"),
                m=email(r, p), d=pick(r, "Tue Mar 12 10:15:30 2024 +0100", "Fri Nov 7 18:02:11 2025 -0500"),
                msg=pick(r, "Add staging config", "Fix login redirect", "WIP", "Update .env.example"))
    if chance(r, 0.6):
        diff = fill("diff --git a/.env b/.env\nindex {a}..{b} 100644\n--- a/.env\n+++ b/.env\n@@ -1,3 +1,4 @@\n PORT=8080\n+{leak}",
                    a=git_sha(r, True), b=git_sha(r, True), leak=pick(r, "STRIPE_KEY=", "AWS_ACCESS_KEY_ID=", "SLACK_TOKEN=") + P(SECRET, format_token(r)))
        return head + "\n" + diff
    return head


@family("http_dump", 2)
def f_http_dump(r):
    p = person(r)
    token = P(SECRET, pick(r, jwt_value(r), format_token(r), strong_token(r, 40)))
    body = "{" + join(",", [f'"{k}":' + json_str(v) for k, v in
                            r.sample([("email", email(r, p)), ("phone", phone(r)), ("name", name_doc(r, p, titled=False, style="full")),
                                      ("card", card(r)), ("order", order_no(r))], r.randint(1, 3))]) + "}"
    if chance(r, 0.5):
        return fill("curl -s -X POST https://api.example.com/v1/{ep} -H \"Authorization: Bearer {t}\" -H 'Content-Type: application/json' -d '{b}'",
                    ep=pick(r, "charges", "users", "messages"), t=token, b=body)
    return fill("POST /v1/{ep} HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer {t}\nX-Forwarded-For: {a}, {b2}\n"
                "X-Request-Id: {u}\nUser-Agent: {ua}\nContent-Type: application/json\n\n{b}",
                ep=pick(r, "charges", "users", "messages"), t=token, a=ip(r), b2=ip(r, False), u=uuid4(r), ua=ua(r), b=body)


@family("k8s_describe", 1.2)
def f_k8s(r):
    pod = f"{pick(r, 'api', 'worker', 'billing')}-{rs(r, HEX, 10)}-{rs(r, string.ascii_lowercase + DIGITS, 5)}"
    lines = [f"Name:         {pod}", f"Namespace:    {pick(r, 'prod', 'staging', 'default')}",
             fill("Node:         {n}/{i}", n=f"ip-10-0-{r.randint(0, 255)}-{r.randint(0, 255)}.ec2.internal", i=ip(r, False)),
             fill("IP:           {i}", i=ip(r, False)), f"Image:        registry.example.com/{pod.split('-')[0]}:{version(r)}",
             "Environment:"]
    for k in r.sample(["db", "token", "plain", "plain2", "redis"], r.randint(2, 4)):
        lines.append("  " + {
            "db": lambda: fill("DATABASE_URL:  {u}", u=url_with_credentials(r, "sql")),
            "token": lambda: keyword_secret(r, key=pick(r, "API_TOKEN", "WEBHOOK_SECRET"), style=":  "),
            "plain": lambda: doc(f"LOG_LEVEL:     {pick(r, 'info', 'debug')}"),
            "plain2": lambda: doc("DB_PASSWORD:   <set to the key 'password' in secret 'db-credentials'>"),
            "redis": lambda: fill("REDIS_URL:     {u}", u=url_with_credentials(r, "redis")),
        }[k]())
    return join("\n", lines)


# --- tabular data and dumps ----------------------------------------------------------------------------------

def csv_cell(value, sep, quote_all):
    v = doc(value)
    needs = quote_all or sep in v.text() or "," in v.text()
    return '"' + v + '"' if needs else v


@family("csv_rows", 3)
def f_csv(r):
    sep = pick(r, ",", ",", ";", "|", "\t")
    quote_all = chance(r, 0.2)
    cols = r.sample(["first_name,last_name", "full_name", "email", "phone", "birth_date", "ssn", "iban", "card", "street",
                     "address", "ip"], r.randint(2, 4)) + r.sample(["city", "created_at", "amount", "status"], r.randint(0, 2))
    r.shuffle(cols)
    cols = ["id"] + [c for col in cols for c in col.split(",")]
    rows = [sep.join(cols)] if chance(r, 0.8) else []
    for _ in range(r.randint(1, 3)):
        p = person(r)
        cells = []
        for c in cols:
            cells.append({
                "id": lambda: str(r.randint(1, 999999)),
                "first_name": lambda: P(PERSON_NAME, p.given), "last_name": lambda: P(PERSON_NAME, p.family) if p.family else "",
                "full_name": lambda: name_doc(r, p, titled=False, style=pick(r, "full", "comma", "caps")),
                "email": lambda: email(r, p), "phone": lambda: P(PHONE, phone_e164(r)) if chance(r, 0.4) else phone(r),
                "birth_date": lambda: P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1940, 2006)) if chance(r, 0.6) else dob(r),
                "ssn": lambda: ssn(r, plain_ok=True), "iban": lambda: iban(r), "card": lambda: card(r),
                "street": lambda: P(STREET_ADDRESS, address_lines(r)[1]), "address": lambda: address(r),
                "city": lambda: r.choice(BIRTH_PLACES), "created_at": lambda: iso_ts(r), "amount": lambda: f"{r.randint(1, 99999) / 100:.2f}",
                "status": lambda: pick(r, "active", "closed", "pending"), "ip": lambda: ip(r),
            }[c]())
        rows.append(join(sep, [csv_cell(c, sep, quote_all) for c in cells]))
    return join("\r\n" if chance(r, 0.15) else "\n", rows)


def no_quote_person(r):
    while True:
        p = person(r)
        if "'" not in p.full:
            return p


@family("sql_dump", 1.5)
def f_sql(r):
    p = no_quote_person(r)
    if chance(r, 0.5):
        cols = ["id", "name", "email", "phone", "dob"]
        vals = [str(r.randint(1, 99999)), "'" + name_doc(r, p, titled=False, style="full") + "'", "'" + email(r, p) + "'",
                "'" + phone(r) + "'", "'" + P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 1940, 2006)) + "'"]
        keep = sorted(r.sample(range(1, 5), r.randint(2, 4)))
        return fill("INSERT INTO customers ({c}) VALUES ({v});", c=", ".join(["id"] + [cols[i] for i in keep]),
                    v=join(", ", [vals[0]] + [vals[i] for i in keep]))
    cond = wpick(r, [(3, lambda: fill("email = '{m}'", m=email(r, p))), (2, lambda: fill("ssn = '{s}'", s=ssn(r))),
                     (2, lambda: fill("card_number = '{c}'", c=P(CREDIT_CARD, card_digits(r)[1]))),
                     (1, lambda: fill("phone LIKE '{t}%'", t=phone(r))), (1, lambda: fill("last_login_ip = '{i}'", i=ip(r)))])()
    return fill("{ts} UTC [{pid}] LOG:  duration: {d} ms  statement: SELECT * FROM users WHERE {c} AND deleted_at IS NULL LIMIT {n}",
                ts=log_ts(r, "space"), pid=str(r.randint(100, 99999)), d=f"{r.random() * 40:.3f}", c=cond, n=str(r.choice([1, 10, 50])))


BICS = ["COBADEFFXXX", "DEUTDEDBBER", "BNPAFRPPXXX", "INGBNL2A", "ABNANL2A", "NWBKGB2L", "BSCHESMM", "UNCRITMM",
        "RZBAATWW", "PKOPPLPW", "CGDIPTPL", "NDEASESS", "DABADKKK", "AIBKIE2D"]


@family("invoice", 1.5)
def f_invoice(r):
    p = person(r)
    inv = invoice_no(r)
    lines = [pick(r, "INVOICE", "Rechnung", "Facture", "Invoice"), f"No. {inv}", f"Date: {plain_date(r)}    Due: {plain_date(r)}",
             "Bill to:", name_doc(r, p, titled=chance(r, 0.3)), address_block(r), f"VAT ID: {pick(r, 'DE', 'FR', 'NL', 'IT')}{digits(r, 9)}",
             f"{pick(r, 'Consulting', 'Licence', 'Support plan')} x{r.randint(1, 12)}  {amount(r)}", f"Total due: {amount(r)}",
             fill("Please pay by bank transfer to IBAN {i} (BIC {b}), reference {ref}.", i=iban(r), b=r.choice(BICS), ref=inv)]
    return join("\n", lines)


@family("bank_transfer", 1.5)
def f_bank_transfer(r):
    p = person(r)
    if chance(r, 0.5):
        return fill(pick(r, "Pls send the {a} to {n}, IBAN {i}, ref {ref} {e}", "Can you wire {a} to {i} (account holder {n})? ref {ref}",
                         "Transfer {a} → {n} / {i} / {ref}"), a=amount(r), n=name_doc(r, p, titled=False), i=iban(r), ref=invoice_no(r), e=emoji(r))
    return join("\n", [fill("Beneficiary: {n}", n=name_doc(r, p, titled=False, style=pick(r, "full", "caps"))), fill("IBAN: {i}", i=iban(r)),
                       f"BIC: {r.choice(BICS)}", f"Amount: {amount(r)}", f"Reference: {invoice_no(r)}",
                       f"Creditor ID: {creditor_id(r)}", f"Mandate: MNDT-{r.randint(100000, 999999)}"])


@family("payment_gateway", 2)
def f_payment_gateway(r):
    p = person(r)
    return wpick(r, [
        (3, lambda: fill("charge.failed id=ch_{id} card={c} exp={exp} cvc=*** amount={a} customer={m} decline_code={dc}",
                         id=rs(r, ALNUM, 24), c=card(r), exp=f"{r.randint(1, 12):02d}/{r.randint(25, 31)}", a=amount(r), m=email(r, p),
                         dc=pick(r, "insufficient_funds", "do_not_honor", "expired_card"))),
        (2, lambda: fill("3DS challenge for {c} ({brand}) — cardholder {n}, billing {addr}", c=card(r), brand=pick(r, "visa", "mastercard", "amex"),
                         n=name_doc(r, p, titled=False, style=pick(r, "full", "caps")), addr=address(r))),
        (2, lambda: fill("webhook payment_intent.succeeded pi_{id} last4={l4} fingerprint={fp} receipt_email={m}",
                         id=rs(r, ALNUM, 24), l4=digits(r, 4), fp=rs(r, ALNUM, 16), m=email(r, p))),
        (2, lambda: fill("SEPA mandate {mid} debtor {n} IBAN {i} creditor {cid} amount {a}", mid=f"MNDT-{r.randint(100000, 999999)}",
                         n=name_doc(r, p, titled=False), i=iban(r), cid=creditor_id(r), a=amount(r))),
        (1, lambda: fill("Tokenized {c} -> tok_{t} (masked {mc})", c=card(r), t=rs(r, ALNUM, 24), mc=masked_card(r))),
    ])()


# --- messages and events -------------------------------------------------------------------------------------

@family("email_headers", 1.5)
def f_email_headers(r):
    a, b = person(r), person(r)
    lines = [fill('From: "{n}" <{m}>', n=name_doc(r, a, titled=False, style="full"), m=email(r, a)) if chance(r, 0.6)
             else fill("From: {m}", m=email(r, a)),
             fill("To: {n} <{m}>", n=name_doc(r, b, titled=False, style="full"), m=email(r, b)),
             f"Date: {pick(r, 'Tue', 'Wed', 'Fri')}, {r.randint(1, 28)} {pick(r, 'Mar', 'Jun', 'Nov')} {r.randint(2023, 2026)} {clock(r)}:{r.randint(10, 59)} +0100",
             f"Message-ID: <{rs(r, ALNUM, 20)}.{r.randint(1000, 9999)}@mail.{pick(r, 'example.com', 'gmail.com', 'outlook.com')}>",
             fill("Received: from {h} ({h} [{i}]) by mx.example.com with ESMTPS id {id}", h=pick(r, "mail-wr1-f54.google.com", "smtp.example.org"),
                  i=ip(r), id=rs(r, ALNUM, 12)),
             f"Subject: Re: {pick(r, 'order', 'ticket', 'invoice')} {order_no(r)}", f"X-Mailer: {pick(r, 'Apple Mail (2.3774)', 'Microsoft Outlook 16.0')}"]
    if chance(r, 0.3):
        lines.insert(2, fill("Cc: {m}", m=email(r)))
    return join("\n", lines)


@family("ticket", 1.5)
def f_ticket(r):
    a, b = person(r), person(r)
    desc = wpick(r, [(3, lambda: fill("Device MAC {m} fails to register from {i}.", m=mac(r), i=ip(r))),
                     (2, lambda: fill("Customer {n} reports the app crashes on login ({e}).", n=name_doc(r), e=email(r))),
                     (2, lambda: fill("VPN drops every {n} min; client {i}, gateway {g}.", n=str(r.randint(2, 30)), i=ip(r, True), g=ip(r, False))),
                     (1, lambda: fill("Printer {m} at {i} shows offline.", m=mac(r), i=ip(r, False)))])()
    return join("\n", [f"[{pick(r, 'SUP', 'IT', 'OPS')}-{r.randint(100, 99999)}] {pick(r, 'Cannot pair device', 'Crash on login', 'Network issue')}",
                       fill("Reporter: {n}", n=name_doc(r, a, titled=False)), fill("Assignee: {n}", n=name_doc(r, b, titled=False)),
                       f"Priority: P{r.randint(1, 4)}", f"Environment: app {version(r)}, build {ip_like(r)}",
                       fill("Description: {d} Logs attached ({u}).", d=desc, u=uuid4(r))])


@family("audit_event", 1.5)
def f_audit(r):
    p = person(r)
    return wpick(r, [
        (3, lambda: fill('AUDIT {ts} actor={m} action=user.update target=usr_{t} changes={"phone":["{o}","{n}"]} src_ip={i}',
                         ts=iso_ts(r), m=email(r, p), t=rs(r, HEX, 12), o=phone(r), n=phone(r), i=ip(r))),
        (2, lambda: fill("{ts} admin {n} exported {k} customer records (ticket {o}) from {i}", ts=iso_ts(r), n=name_doc(r, p),
                         k=str(r.randint(10, 90000)), o=order_no(r), i=ip(r))),
        (2, lambda: fill('audit: user "{m}" reset password; new session from {i} ({ua})', m=email(r, p), i=ip(r), ua=ua(r))),
        (1, lambda: fill("{ts} role granted: {n} <{m}> -> billing-admin by {a}", ts=iso_ts(r), n=name_doc(r, p, titled=False), m=email(r, p),
                         a=localhost_email(r))),
    ])()


@family("sms_notification", 1.5)
def f_sms(r):
    code = digits(r, 6)
    return wpick(r, [
        (3, lambda: fill("SMS to {t} [{st}]: Your {b} verification code is {c}. Don't share it.", t=phone(r), st=pick(r, "delivered", "queued", "failed"),
                         b=pick(r, "Acme", "Veil", "Bank"), c=code)),
        (2, lambda: fill("WhatsApp from {t}: {msg}", t=phone(r), msg=pick(r, "on my way 🚗", "can you call me back?", f"order {order_no(r)} arrived 📦"))),
        (2, lambda: fill("Missed call from {t} at {c} (duration 00:00:{s})", t=P(PHONE, phone_e164(r)), c=clock(r), s=f"{r.randint(0, 59):02d}")),
        (1, lambda: fill("twilio: message SM{sid} to={t} from={f} status=undelivered error=30003", sid=rs(r, HEX, 32), t=P(PHONE, phone_e164(r)),
                         f=P(PHONE, phone_e164(r, "US")))),
    ])()


INSURANCE_LABELS = ["Driver", "Policyholder", "Applicant", "Insured", "Beneficiary"]


@family("dob_form", 2)
def f_dob_form(r):
    p = person(r)
    lab = r.choice(INSURANCE_LABELS)
    return wpick(r, [
        (3, lambda: fill("{l} 1: {n}, born {d}, licence held since {y}, no claims.", l=lab, n=name_doc(r, p, titled=False), d=dob(r), y=str(r.randint(1975, 2023)))),
        (2, lambda: fill("{l}: {n}\nDate of Birth: {d}\nPolicy start: {s}\nPremium: {a}", l=lab, n=name_doc(r, p, titled=False), d=dob(r),
                         s=plain_date(r), a=amount(r))),
        (2, lambda: fill("Please confirm your date of birth ({d}) and postcode to continue.", d=dob(r))),
        (2, lambda: fill("Happy birthday! 🎂 Our records show your birthday is {d} — enjoy {p} off.", d=dob(r), p=percent(r))),
        (1, lambda: fill("age_check failed: dob={d} (< 18) for session {u}", d=P(DATE_OF_BIRTH, "%04d-%02d-%02d" % ymd(r, 2008, 2012)), u=uuid4(r))),
    ])()


# --- international -------------------------------------------------------------------------------------------

def intl_es(r):
    return fill("Hola, soy {n}. Mi teléfono es {t} y mi correo {m}. Vivo en {a}. Fecha de nacimiento: {d}.",
                n=name_doc(r, person(r, "hispanic")), t=phone(r, pick(r, "ES", "MX")), m=email(r), a=address(r, pick(r, "ES", "MX")), d=dob(r, "es"))


def intl_fr(r):
    return fill("Bonjour, je m'appelle {n}, {ne} le {d}. Mon adresse : {a}. Tél. : {t} — merci !",
                n=name_doc(r, person(r, "french"), titled=False), ne=pick(r, "né", "née", "né(e)"), d=dob(r, "fr"), a=address(r, "FR"), t=phone(r, "FR"))


def intl_de(r):
    return fill("Guten Tag, mein Name ist {n}. Geburtsdatum: {d}. Bitte überweisen Sie den Betrag auf IBAN {i}. Erreichbar unter {t}.",
                n=name_doc(r, person(r, "german")), d=dob(r, "de"), i=iban(r, "DE"), t=phone(r, "DE"))


def intl_pt(r):
    return fill("Olá, meu nome é {n}, nasci em {d}. Endereço: {a}. Celular: {t}.", n=name_doc(r, person(r, "portuguese"), titled=False),
                d=dob(r, "pt"), a=address(r, "BR"), t=phone(r, "BR"))


def intl_it(r):
    return fill("Buongiorno, sono {n}, data di nascita {d}. Indirizzo: {a}. Cell. {t}", n=name_doc(r, person(r, "italian"), titled=False),
                d=dob(r, "it"), a=address(r, "IT"), t=phone(r, "IT"))


def intl_nl(r):
    return fill("Hallo, ik ben {n}. Mijn geboortedatum is {d}. Adres: {a}. Tel: {t}", n=name_doc(r, person(r, "dutch"), titled=False),
                d=dob(r, "nl"), a=address(r, "NL"), t=phone(r, "NL"))


def intl_pl(r):
    return fill("Dzień dobry, nazywam się {n}. Data urodzenia: {d}. Numer konta: {i}. Tel. {t}", n=name_doc(r, person(r, "polish"), titled=False),
                d=dob(r, "pl"), i=iban(r, "PL"), t=phone(r))


def intl_tr(r):
    return fill("Merhaba, ben {n}. Doğum tarihim {d}. Telefon: {t}. E-posta: {m}", n=name_doc(r, person(r, "turkish"), titled=False),
                d=dob(r, "tr"), t=phone(r), m=email(r))


def intl_ja(r):
    p = person(r, "japanese_kanji")
    return fill("{n}\nお問い合わせありがとうございます。ご登録の電話番号{t}とメール{m}を確認しました。生年月日：{d}",
                n=name_doc(r, p, titled=True, style="full"), t=phone(r, "JP"), m=email(r), d=dob(r, "ja"))


def intl_zh(r):
    return fill("您好，我是{n}，电话{t}，邮箱{m}。出生日期：{d}。", n=name_doc(r, person(r, "chinese_han"), titled=False),
                t=phone(r, "CN"), m=email(r), d=dob(r, "zh"))


def intl_ko(r):
    return fill("안녕하세요, {n}입니다. 연락처: {t}, 이메일: {m}. 생년월일: {d}", n=name_doc(r, person(r, "korean_hangul"), titled=False),
                t=phone(r, "KR"), m=email(r), d=dob(r, "ko"))


def intl_ru(r):
    return fill("Здравствуйте, меня зовут {n}. Дата рождения: {d}. Телефон: {t}. Почта: {m}.", n=name_doc(r, person(r, "russian_cyrillic"), titled=False),
                d=dob(r, "ru"), t=phone(r), m=email(r))


def intl_ar(r):
    return fill("مرحبا، اسمي {n}. رقم هاتفي {t} والبريد الإلكتروني {m}. شكرا!", n=name_doc(r, person(r, "arabic"), titled=False),
                t=phone(r), m=email(r))


def intl_el(r):
    return fill("Γεια σας, είμαι {n}. Τηλέφωνο: {t}. Email: {m}.", n=name_doc(r, person(r, "greek_script"), titled=False), t=phone(r), m=email(r))


def intl_vi(r):
    return fill("Xin chào, tôi là {n}. Số điện thoại: {t}. Email: {m}. Ngày sinh: {d}.", n=name_doc(r, person(r, "vietnamese"), titled=False),
                t=phone(r), m=email(r), d=P(DATE_OF_BIRTH, "%02d/%02d/%04d" % tuple(reversed(ymd(r, 1950, 2005)))))


def intl_hi(r):
    return fill("नमस्ते, मेरा नाम {n} है। मेरा फ़ोन नंबर {t} है और ईमेल {m}।", n=name_doc(r, person(r, "hindi"), titled=False),
                t=phone(r, "IN"), m=email(r))


def intl_id(r):
    return fill("Halo, saya {n}. Nomor HP saya {t}, email {m}. Tanggal lahir: {d}.", n=name_doc(r, person(r, "indonesian"), titled=False),
                t=phone(r), m=email(r), d=P(DATE_OF_BIRTH, "%02d-%02d-%04d" % tuple(reversed(ymd(r, 1950, 2005)))))


def intl_sw(r):
    return fill("Habari, jina langu ni {n}. Namba yangu ya simu ni {t}.", n=name_doc(r, person(r, "kenyan"), titled=False), t=phone(r, "KE"))


def intl_am(r):
    return fill("ሰላም፣ ስሜ {n} ነው። ስልክ፦ {t}", n=name_doc(r, person(r, "ethiopian_geez"), titled=False), t=phone(r))


def intl_yo(r):
    return fill("Ẹ káàbọ̀! My name is {n}, you can reach me on {t} or {m}.", n=name_doc(r, person(r, pick(r, "yoruba", "igbo")), titled=False),
                t=phone(r, "NG"), m=email(r))


INTL = [intl_es, intl_fr, intl_de, intl_pt, intl_it, intl_nl, intl_pl, intl_tr, intl_ja, intl_zh, intl_ko, intl_ru, intl_ar, intl_el,
        intl_vi, intl_hi, intl_id, intl_sw, intl_am, intl_yo]


@family("intl_message", 3.5)
def f_intl(r):
    out = r.choice(INTL)(r)
    return out + pick(r, " ", "\n") + hard_negative(r) if chance(r, 0.3) else out


@family("intl_address_label", 2)
def f_intl_address(r):
    country = r.choice(list(ADDRESS_COUNTRIES))
    p = person(r)
    if chance(r, 0.5):
        return fill(pick(r, "Deliver to: {n}, {a}", "{n} — {a}", "Ship-to: {a} (attn {n})", "Consignee {n}; {a}; tel {t}"),
                    n=name_doc(r, p, titled=chance(r, 0.2)), a=address(r, country), t=phone(r))
    return join("\n", [name_doc(r, p, titled=chance(r, 0.2)), address_block(r, country, with_country=True),
                       fill(pick(r, "Tel: {t}", "Phone {t}", "☎ {t}"), t=phone(r))])


# --- values on their own and names in context ----------------------------------------------------------------

WRAPS = [("", ""), ("", ""), ("", ""), ("", "."), ("", ","), ('"', '"'), ("'", "'"), ("(", ")"), ("[", "]"), ("<", ">"),
         ("“", "”"), ("«", "»"), ("「", "」"), ("", ";"), ("", "!"), ("*", "*")]


@family("bare_value", 3)
def f_bare_value(r):
    """A field value scanned on its own: the value is the whole text, or nearly (quotes, brackets, a label)."""
    kind = wpick(r, [(12, EMAIL), (12, PHONE), (8, CREDIT_CARD), (6, US_SSN), (7, IBAN), (8, IP_ADDRESS), (5, MAC_ADDRESS),
                     (10, PERSON_NAME), (8, STREET_ADDRESS), (4, DATE_OF_BIRTH), (8, SECRET), (4, URL_CREDENTIALS)])
    value = {EMAIL: lambda: email(r), PHONE: lambda: phone(r) if chance(r, 0.7) else P(PHONE, phone_e164(r)),
             CREDIT_CARD: lambda: card(r), US_SSN: lambda: ssn(r), IBAN: lambda: iban(r), IP_ADDRESS: lambda: ip(r),
             MAC_ADDRESS: lambda: mac(r), PERSON_NAME: lambda: name_doc(r), STREET_ADDRESS: lambda: address(r),
             DATE_OF_BIRTH: lambda: dob_phrase(r), SECRET: lambda: secret_any(r),
             URL_CREDENTIALS: lambda: url_with_credentials(r)}[kind]()
    left, right = r.choice(WRAPS)
    out = left + value + right
    if chance(r, 0.3) and kind not in (DATE_OF_BIRTH, SECRET):
        label = {EMAIL: "email", PHONE: "tel", CREDIT_CARD: "card", US_SSN: "ssn", IBAN: "iban", IP_ADDRESS: "ip",
                 MAC_ADDRESS: "mac", PERSON_NAME: "name", STREET_ADDRESS: "addr", URL_CREDENTIALS: "dsn"}[kind]
        out = pick(r, label.upper(), label, label.capitalize()) + pick(r, ":", ": ", "=", " ") + out
    return out


@family("name_in_context", 3)
def f_name_in_context(r):
    p, q = person(r), person(r)
    t = pick(r, "{n} wrote:\n> {quote}", "On {date} at {time}, {n} <{m}> wrote:\n> {quote}", "customer {n} requested a refund for {o}",
             "Thanks to {n} for the quick fix!", "{n} joined #support", "Assigned to {n}", "Approved by: {n}", "cc: {n}, {n2}",
             "Yesterday {n} called about {o} and was very polite.", "Per {n}'s request, the order {o} was cancelled.",
             "{n}'s laptop is in the repair queue", "Hi {g}, your ticket {o} is resolved.", "Happy birthday {g}! 🎉",
             "I spoke with {n} and {n2} this morning.", "{n} (she/her) — Head of Data", "Reviewed-by: {n} <{m}>",
             "Signed-off-by: {n} <{m}>", "Kundin {n} hat angerufen.", "Le client {n} a rappelé.", "La clienta {n} pidió un reembolso.",
             "Customer: {n}", "{bare}", "Meeting with {n} moved to {time}.", "Who is {n}? Not in the CRM.", "{n}, {n2} and {n3} are on call")
    return fill(t, n=name_doc(r, p), n2=name_doc(r, q), n3=name_doc(r), g=name_doc(r, p, style="given", titled=False),
                bare=name_doc(r, p, titled=False), m=email(r, p), quote=pick(r, "sounds good", "see attached", "+1", "I disagree."),
                date=plain_date(r), time=clock(r), o=order_no(r))


# --- negative families (no span at all) ----------------------------------------------------------------------

@family("neg_release_notes", 1.2, positive=False)
def n_release_notes(r):
    lines = [f"## {version(r)} ({plain_date(r)})", f"- Fix crash when {pick(r, 'parsing', 'exporting', 'syncing')} ({pick(r, '#', 'GH-')}{r.randint(100, 9999)})",
             f"- Bump {pick(r, 'jackson', 'netty', 'openssl')} to {version(r)}", f"- Windows build {ip_like(r)} now supported",
             f"- {namelike_sentence(r).text()}", f"Full changelog: {plain_url(r)} ({git_sha(r, True)}...{git_sha(r, True)})"]
    return join("\n", lines[:r.randint(3, len(lines))])


@family("neg_app_log", 2, positive=False)
def n_app_log(r):
    msg = wpick(r, [
        (3, lambda: f"GET /api/v2/orders/{r.randint(1000, 999999)} 200 {r.randint(1, 900)}ms request_id={uuid4(r)}"),
        (2, lambda: f"Connected to {host_port(r)} in {r.randint(1, 300)}ms (pool {r.randint(1, 50)}/{r.randint(50, 100)})"),
        (2, lambda: f"cron: mail sent to {localhost_email(r)} (exit 0)"),
        (2, lambda: f"Loaded config from {file_path(r)} (sha256 {sha256_hex(r)[:16]})"),
        (2, lambda: f"trace_id={trace_id(r)} span_id={span_id(r)} duration={r.random() * 2:.3f}s"),
        (1, lambda: f"event ts_ms={log_ts(r, 'epoch_ms')} offset={r.randint(0, 10 ** 9)} partition={r.randint(0, 11)}"),
        (2, lambda: f"Processed batch {r.randint(1, 9999)}: {r.randint(0, 10000)} records, {percent(r)} skipped"),
        (1, lambda: f"password reset requested for account {uuid4(r)} (token={placeholder_secret(r)})"),
        (1, lambda: f"JVM {version(r)}, heap {r.randint(256, 8192)}m, build {git_sha(r, True)}"),
        (1, lambda: f"Retrying in {r.randint(1, 60)}s: {colon_hex_like(r)} not found"),
        (1, lambda: f"txn {non_luhn_digits(r, 16)} settled {amount(r)}"),
    ])()
    return f"{log_ts(r, pick(r, 'space', 'iso', 'comma'))} {pick(r, 'INFO', 'WARN', 'DEBUG')} [{r.choice(HOSTS)}] {msg}"


@family("neg_order_confirmation", 1.5, positive=False)
def n_order(r):
    lines = [pick(r, "Thanks for your order!", "Order confirmation", "Your order has shipped 📦"), f"Order {order_no(r)} — {plain_date(r)}",
             f"{product_code(r)}  x{r.randint(1, 4)}  {amount(r)}", f"ISBN {isbn(r)}  {amount(r)}", f"Shipping: {amount(r)}",
             f"Total: {amount(r)} (incl. {percent(r)} VAT)", f"Track: {tracking_no(r)}", f"Questions? {plain_url(r)}",
             "Dear customer, we hope you enjoy it.", f"Card {masked_card(r)} charged."]
    keep = [lines[0]] + r.sample(lines[1:], r.randint(3, 7))
    return join("\n", keep)


@family("neg_config", 1.5, positive=False)
def n_config(r):
    lines = [f"server.port={r.choice([8080, 8443])}", f"db.url=jdbc:postgresql://{host_port(r)}/app", f"db.password={placeholder_secret(r)}",
             f"api.key={placeholder_secret(r)}", f"token: {placeholder_secret(r)}", f"log.file={file_path(r)}", f"app.version={version(r)}",
             f"cache.ttl={r.randint(10, 3600)}s", f"upstream={plain_url(r)}", f"secret_ref=vault:secret/data/{pick(r, 'db', 'api')}#password",
             "# password must be at least 12 characters", f"admin.email={localhost_email(r)}", f"feature.rollout={percent(r)}"]
    return join("\n", r.sample(lines, r.randint(3, 8)))


@family("neg_prose_namelike", 2, positive=False)
def n_prose(r):
    return join(" ", [namelike_sentence(r) for _ in range(r.randint(1, 3))])


@family("neg_data_rows", 1.5, positive=False)
def n_rows(r):
    sep = pick(r, ",", ";", "|", "\t")
    cols = ["sku", "ean", "qty", "price", "updated_at", "ref"]
    rows = [sep.join(cols)]
    for _ in range(r.randint(1, 4)):
        rows.append(sep.join([product_code(r), product_code(r), str(r.randint(0, 500)), f"{r.randint(1, 99999) / 100:.2f}", iso_ts(r),
                              pick(r, bad_card(r, ""), bad_ssn(r), bad_iban(r).replace(" ", ""), isbn(r), tracking_no(r), order_no(r))]))
    return join("\n", rows)


@family("neg_metrics", 1.2, positive=False)
def n_metrics(r):
    lines = [f"cpu={percent(r)} mem={percent(r)} disk={percent(r)}", f"p50={r.randint(1, 90)}ms p99={r.randint(100, 900)}ms",
             f"snmp {ip_like(r)} = Counter32: {r.randint(0, 99999999)}", f"uptime {r.randint(0, 400)} days, {clock(r)}",
             f"kernel {version(r)}", f"rx_bytes={r.randint(0, 10 ** 11)} tx_bytes={r.randint(0, 10 ** 11)}",
             f"{pick(r, 'http_requests_total', 'jvm_gc_pause_seconds_count')}{{status=\"{r.choice([200, 500])}\"}} {r.randint(0, 99999)}",
             f"error budget remaining: {percent(r)}"]
    return join("\n", r.sample(lines, r.randint(2, 5)))


@family("neg_build_log", 1.2, positive=False)
def n_build(r):
    lines = [f"#{r.randint(1, 20)} [{r.randint(1, 9)}/9] RUN npm ci", f"Step {r.randint(1, 12)}/12 : COPY . /app",
             f"Successfully tagged registry.example.com/api:{version(r)}", f"digest: sha256:{sha256_hex(r)}",
             f"Downloaded {pick(r, 'org.apache.kafka:kafka-clients', 'com.google.guava:guava')}:{version(r)} ({r.randint(10, 9999)} kB)",
             f"icon@2x.png -> {file_path(r)}", f"npm notice @scope/pkg@{version(r)}", f"HEAD is now at {git_sha(r, True)}",
             f"Tests: {r.randint(0, 3)} failed, {r.randint(100, 4000)} passed", f"inline image {base64_image(r)[:80]}…"]
    return join("\n", r.sample(lines, r.randint(3, 6)))


@family("neg_validation_errors", 1.5, positive=False)
def n_validation(r):
    return wpick(r, [
        (3, lambda: f"Rejected: card number {bad_card(r)} failed checksum."),
        (2, lambda: f"Validation error: SSN {bad_ssn(r)} is not a valid Social Security number."),
        (2, lambda: f"Invalid IBAN {bad_iban(r)} (check digits)."),
        (1, lambda: f"Email '{localhost_email(r)}' rejected: domain has no TLD."),
        (1, lambda: f"Invalid date of birth: '{pick(r, '31/02/1990', '1990-13-01', 'yesterday', '00/00/0000')}'"),
        (1, lambda: f"Phone number too short: '{digits(r, r.randint(3, 5))}'"),
        (1, lambda: f"IP {ip_like(r)} is not a valid address."),
        (1, lambda: f"api_key must not be empty (got {placeholder_secret(r)})"),
    ])()


@family("neg_chat", 1.5, positive=False)
def n_chat(r):
    msgs = [f"lunch at {clock(r)}? 🍕", f"deploy {version(r)} done ✅", "@channel standup moved to 10:30", f"PR {plain_url(r)} needs review 🙏",
            f"who broke {file_path(r)} 😅", f"build {git_sha(r, True)} is green", f"{namelike_sentence(r).text()} {emoji(r)}",
            f"the invoice {invoice_no(r)} is paid", f"order {order_no(r)} delayed again 😡", "ok 👍", f"see ticket {uuid4(r)[:8]}"]
    return join("\n", [f"[{clock(r)}] {r.choice(CHAT_HANDLES)}: {m}" for m in r.sample(msgs, r.randint(1, 4))])


@family("neg_intl", 1.2, positive=False)
def n_intl(r):
    return pick(r, f"Ihre Bestellung {order_no(r)} wurde am {date_text(r, *ymd(r, 2023, 2026), lang='de')} versandt. Summe: {amount(r)}.",
                f"Votre commande {order_no(r)} a été expédiée le {date_text(r, *ymd(r, 2023, 2026), lang='fr')}. Suivi : {tracking_no(r)}.",
                f"Su pedido {order_no(r)} llegará el {date_text(r, *ymd(r, 2023, 2026), lang='es')}. Total: {amount(r)}.",
                f"ご注文{order_no(r)}は{date_text(r, *ymd(r, 2023, 2026), lang='ja')}に発送されました。",
                f"订单{order_no(r)}已于{date_text(r, *ymd(r, 2023, 2026), lang='zh')}发货，金额{amount(r)}。",
                f"Pedido {order_no(r)} enviado em {date_text(r, *ymd(r, 2023, 2026), lang='pt')}. Rastreio: {tracking_no(r)}.",
                f"Zamówienie {order_no(r)} z dnia {date_text(r, *ymd(r, 2023, 2026), lang='pl')} zostało opłacone ({amount(r)}).",
                f"Заказ {order_no(r)} от {date_text(r, *ymd(r, 2023, 2026), lang='ru')} доставлен.")


@family("neg_html_snippet", 1, positive=False)
def n_html(r):
    return pick(r, f'<img alt="logo" src="{base64_image(r)}">', f'<a href="{plain_url(r)}">Docs</a> <span class="v">{version(r)}</span>',
                f'<div style="color:#{rs(r, HEX, 6)}" data-id="{uuid4(r)}">{amount(r)}</div>',
                f'<meta name="build" content="{git_sha(r)}"><link rel="preload" href="/app.{git_sha(r, True)}.css">')


@family("neg_system_mail", 1, positive=False)
def n_system_mail(r):
    host = r.choice(HOSTS)
    return join("\n", [f"From: {localhost_email(r)} (Cron Daemon)", f"To: root@{host}", f"Subject: Cron <root@{host}> /usr/local/bin/backup.sh",
                       f"Message-ID: <{log_ts(r, 'epoch')}.{r.randint(1000, 99999)}@{host}>",
                       f"backup finished: {r.randint(1, 900)} GB in {r.randint(1, 59)}m, archive {file_path(r)}"])


# ---------------------------------------------------------------------------------------------------------
# 7. generation, check, main
# ---------------------------------------------------------------------------------------------------------

POSITIVE_FAMILIES = [(w, (name, fn)) for name, w, positive, fn in FAMILIES if positive]
NEGATIVE_FAMILIES = [(w, (name, fn)) for name, w, positive, fn in FAMILIES if not positive]


def generate_record(seed, i):
    """Line i depends only on (seed, i): any line can be regenerated on its own."""
    r = random.Random(f"veil-accuracy/{seed}/{i}")
    positive = r.random() < POSITIVE_SHARE
    name, fn = wpick(r, POSITIVE_FAMILIES if positive else NEGATIVE_FAMILIES)
    d = doc(fn(r))
    if d.has_spans() != positive:
        raise AssertionError(f"family {name} (line {i}) produced {'no' if positive else 'a'} span")
    return {"id": i, "kind": name, "text": d.text(), "spans": d.spans()}


# --- validation of one labeled span (used by --check) ----------------------------------------------------------

def _ssn_ok(s):
    m = re.fullmatch(r"(\d{3})[- ]?(\d{2})[- ]?(\d{4})", s)
    if not m:
        return False
    a, g, n = m.groups()
    return a not in ("000", "666") and a < "900" and g != "00" and n != "0000"


def _card_ok(s):
    if not re.fullmatch(r"\d[\d -]*\d", s):
        return False
    d = re.sub(r"[ -]", "", s)
    return 13 <= len(d) <= 19 and luhn_ok(d)


def _phone_ok(s):
    return bool(re.fullmatch(r"[+(]{0,2}\d[\d ()./-]*\d", s)) and 7 <= sum(c.isdigit() for c in s) <= 15


def _ip_ok(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


SPAN_CHECKS = {
    EMAIL: lambda s: bool(re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", s)),
    PHONE: _phone_ok,
    CREDIT_CARD: _card_ok,
    US_SSN: _ssn_ok,
    IBAN: iban_ok,
    IP_ADDRESS: _ip_ok,
    MAC_ADDRESS: lambda s: bool(re.fullmatch(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}", s)),
    PERSON_NAME: lambda s: not any(c.isdigit() or c in "@/\\<>{}[]|=" for c in s),
    STREET_ADDRESS: lambda s: any(c.isdigit() for c in s),
    DATE_OF_BIRTH: lambda s: bool(re.search(r"(19|20)\d\d", s)),
    SECRET: lambda s: len(s) >= 12 and " " not in s.replace("\\n", "").split("-----")[0],
    URL_CREDENTIALS: lambda s: ":" in s and "@" not in s and "/" not in s,
}


def check_record(rec):
    """Problems with one record: offsets, order, overlap, surrogate splits, and the span's own shape."""
    problems = []
    text, spans = rec.get("text"), rec.get("spans")
    if not isinstance(text, str) or not isinstance(spans, list) or not isinstance(rec.get("id"), int) or not rec.get("kind"):
        return ["malformed record"]
    units = text.encode("utf-16-le")
    n = len(units) // 2
    prev_end = 0
    for sp in spans:
        t, a, b = sp.get("type"), sp.get("start"), sp.get("end")
        if t not in TYPES:
            problems.append(f"unknown type {t!r}")
            continue
        if not (isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n):
            problems.append(f"{t} offsets out of range: {a}..{b} (text has {n} UTF-16 units)")
            continue
        if a < prev_end:
            problems.append(f"{t} at {a} overlaps or precedes the previous span (ends {prev_end})")
        prev_end = b
        for k in (a, b):
            if k < n and 0xDC00 <= int.from_bytes(units[2 * k:2 * k + 2], "little") <= 0xDFFF:
                problems.append(f"{t} boundary {k} splits a surrogate pair")
        sub = units[2 * a:2 * b].decode("utf-16-le", errors="replace")
        if sub != sub.strip():
            problems.append(f"{t} {sub!r} has surrounding whitespace")
        if not SPAN_CHECKS[t](sub):
            problems.append(f"{t} {sub!r} does not look like a {t}")
    return problems


def summarize(records, out=sys.stdout):
    """Per-type span and line counts, the positive share, and families."""
    total = len(records)
    span_counts, line_counts, kinds = Counter(), Counter(), Counter()
    positive = 0
    for rec in records:
        kinds[rec["kind"]] += 1
        types = {s["type"] for s in rec["spans"]}
        positive += bool(types)
        for s in rec["spans"]:
            span_counts[s["type"]] += 1
        for t in types:
            line_counts[t] += 1
    print(f"{total} lines: {positive} with at least one span ({100 * positive / max(1, total):.1f}%), "
          f"{total - positive} without ({100 * (total - positive) / max(1, total):.1f}%)", file=out)
    print(f"{'type':<16} {'spans':>7} {'lines':>7} {'% lines':>8}", file=out)
    for t in TYPES:
        print(f"{t:<16} {span_counts[t]:>7} {line_counts[t]:>7} {100 * line_counts[t] / max(1, total):>7.1f}%", file=out)
    print(f"{'all':<16} {sum(span_counts.values()):>7}", file=out)
    print(f"{len(kinds)} families:", file=out)
    for k, c in sorted(kinds.items(), key=lambda kc: (-kc[1], kc[0])):
        print(f"  {k:<26} {c:>6}", file=out)
    return span_counts, line_counts


def check_file(path):
    records, errors, ids = [], 0, set()
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems, rec = [f"invalid JSON: {e}"], None
            else:
                problems = check_record(rec)
                if rec.get("id") in ids:
                    problems.append(f"duplicate id {rec.get('id')}")
                ids.add(rec.get("id"))
            for pr in problems:
                errors += 1
                if errors <= 30:
                    print(f"{path}:{lineno}: {pr}", file=sys.stderr)
            if rec is not None and not problems:
                records.append(rec)
    if not records and not errors:
        print(f"{path}: no records", file=sys.stderr)
        return 1
    summarize(records)
    print(f"check: {errors} problem(s)" + ("" if errors else "; every span re-extracted by its UTF-16 offsets and validated"))
    return 1 if errors else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check_file(argv[2])
    if len(argv) not in (3, 4) or not argv[1].isdigit():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    n, out_path = int(argv[1]), argv[2]
    seed = int(argv[3]) if len(argv) == 4 else DEFAULT_SEED
    if os.path.dirname(out_path):
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
    records = []
    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(1, n + 1):
            rec = generate_record(seed, i)
            problems = check_record(rec)
            if problems:
                raise AssertionError(f"line {i} ({rec['kind']}): {problems}")
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
            records.append(rec)
    print(f"wrote {n} lines to {out_path} (seed {seed})", file=sys.stderr)
    summarize(records, out=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
