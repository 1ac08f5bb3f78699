/*
 * seed: fills a database with a large, realistic catalogue for the
 * benchmark, through the same store code the service uses (record_create:
 * validation, references, triggers for the search index and facets, an
 * event per record), in batches of one transaction each.
 *
 *   seed --db PATH --slugs PATH [--solutions N] [--organisations M]
 *
 * Every field of a solution is filled. The vocabulary is German and
 * varied on purpose, so that full-text search and facets see what they
 * would see in a real catalogue: each of the TOPICS is the theme of about
 * 1 % of the solutions (the benchmark searches for those), "Barrierefreiheit"
 * appears in about 10 %, problems, target groups, standards and categories
 * come from small fixed lists. The generator is deterministic: the same
 * arguments give the same catalogue. The slugs of all solutions are written
 * to the --slugs file, one per line, for the load generator.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/resource.h"
#include "store/db.h"
#include "store/record.h"
#include "util/log.h"

/* Bumped whenever the generated catalogue changes; the runner compares. */
#define SEED_FORMAT 1
#define BATCH       5000

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct principal seeder = {
	.role = ROLE_ADMIN,
	.actor = "bench-seed",
};

/* ---- vocabulary ------------------------------------------------------- */

/* Each solution has one topic; the benchmark searches for the first 20. */
static const char *const topics[] = {
	"Gebühren",
	"Wohngeld",
	"Hundesteuer",
	"Baugenehmigung",
	"Elterngeld",
	"Kitaplatz",
	"Meldebescheinigung",
	"Gewerbeanmeldung",
	"Führerschein",
	"Personalausweis",
	"Reisepass",
	"Fahrzeugzulassung",
	"Anwohnerparken",
	"Sondernutzung",
	"Abfallentsorgung",
	"Grundsteuer",
	"Einbürgerung",
	"Aufenthaltstitel",
	"Bürgergeld",
	"Wohnberechtigung",
	"Schulanmeldung",
	"Ausbildungsförderung",
	"Fischereischein",
	"Waffenbesitz",
	"Jagdschein",
	"Gaststättenerlaubnis",
	"Baumfällung",
	"Straßenreinigung",
	"Friedhofsverwaltung",
	"Eheschließung",
	"Geburtsurkunde",
	"Sterbeurkunde",
	"Namensänderung",
	"Wahlhelfer",
	"Briefwahl",
	"Ratsinformation",
	"Bürgerbeteiligung",
	"Haushaltsplanung",
	"Vergabeverfahren",
	"Rechnungseingang",
	"Förderprogramm",
	"Zuwendungen",
	"Denkmalschutz",
	"Lärmschutz",
	"Immissionsschutz",
	"Wasserrecht",
	"Bodenrichtwerte",
	"Liegenschaften",
	"Vermessung",
	"Geodaten",
	"Katastrophenschutz",
	"Feuerwehreinsatz",
	"Rettungsdienst",
	"Impfschutz",
	"Gesundheitsamt",
	"Infektionsschutz",
	"Tierseuchen",
	"Lebensmittelüberwachung",
	"Tierhaltung",
	"Jugendhilfe",
	"Pflegegeld",
	"Unterhaltsvorschuss",
	"Schwerbehinderung",
	"Sozialhilfe",
	"Wohnungslosenhilfe",
	"Integrationskurs",
	"Sprachförderung",
	"Volkshochschule",
	"Stadtbibliothek",
	"Museumsverwaltung",
	"Sportförderung",
	"Vereinsregister",
	"Handelsregister",
	"Schornsteinfeger",
	"Wochenmarkt",
	"Kleingärten",
	"Hochwasserschutz",
	"Radverkehr",
	"Nahverkehr",
	"Schülerbeförderung",
	"Mittagsverpflegung",
	"Ferienbetreuung",
	"Ehrenamtskarte",
	"Seniorenberatung",
	"Pflegestützpunkt",
	"Bauleitplanung",
	"Straßenbeleuchtung",
	"Winterdienst",
	"Parkraumbewirtschaftung",
	"Bußgeldverfahren",
	"Fundsachen",
	"Beglaubigung",
	"Akteneinsicht",
	"Informationsfreiheit",
	"Petitionen",
	"Stellenausschreibung",
	"Reisekosten",
	"Zeiterfassung",
	"Fuhrpark",
	"Raumbuchung",
};

static const char *const nouns[] = { "Portal", "Assistent", "Fachverfahren",
	"App", "Rechner", "Register", "Plattform", "Dienst", "Modul", "Cockpit",
	"Auskunft", "Formularserver", "Workflow", "Datenhub" };

static const char *const name_prefixes[] = { "Kommunal", "Digital", "Open",
	"Smart", "Bürger", "Verwaltungs", "Land", "Regio", "Easy", "Team" };

static const char *const places[] = { "Musterstadt", "Adlershof", "Bergheim",
	"Birkenfeld", "Eichstätt", "Falkensee", "Friedland", "Gießen",
	"Grünwald", "Hainichen", "Heidenau", "Hohenwart", "Kirchberg",
	"Königsbrück", "Lauenburg", "Lindau", "Lüneburg", "Marienberg",
	"Mühlhausen", "Neustadt", "Nordenham", "Oberhausen", "Osterburg",
	"Pfaffenhofen", "Quedlinburg", "Rheinfelden", "Rosenheim", "Schönebeck",
	"Seelow", "Sonnenberg", "Steinach", "Tannenbruch", "Uelzen",
	"Waldkirch", "Weißenfels", "Wittenberg", "Zwiesel" };

static const char *const org_kinds[] = { "municipal", "municipal", "municipal",
	"municipal", "municipal", "municipal", "state", "state", "federal",
	"association", "provider", "provider", "other" };

static const char *const states[] = { "Baden-Württemberg", "Bayern", "Berlin",
	"Brandenburg", "Bremen", "Hamburg", "Hessen", "Mecklenburg-Vorpommern",
	"Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
	"Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen" };

static const char *const problems[] = { "Lange Bearbeitungszeiten",
	"Medienbrüche zwischen Antrag und Fachverfahren",
	"Papierbasierte Antragsverfahren", "Fehlende Online-Zugänge nach OZG",
	"Hoher Aufwand für Rückfragen", "Doppelte Datenerfassung",
	"Unvollständige Anträge", "Fachkräftemangel in der Sachbearbeitung",
	"Veraltete Fachverfahren", "Fehlende Schnittstellen",
	"Intransparente Verfahrensstände", "Hohe Betriebskosten",
	"Abhängigkeit von einem Hersteller", "Uneinheitliche Formulare",
	"Manuelle Berechnung von Entgelten", "Schwer bedienbare Oberflächen",
	"Lange Wartezeiten im Bürgerbüro", "Fehlende Statistikdaten",
	"Mangelnde Datenqualität", "Unklare Zuständigkeiten",
	"Aufwändige Nachweisprüfung", "Fehlende digitale Bezahlung",
	"Hoher Abstimmungsaufwand zwischen Ämtern",
	"Datenschutzrisiken durch E-Mail-Versand",
	"Keine mobile Nutzung möglich", "Hohe Fehlerquote bei der Erfassung",
	"Fehlende Terminplanung", "Ungenutzte Registerdaten",
	"Aufwändige Archivierung", "Isolierte Insellösungen" };

static const char *const process_words[] = { "Antragsannahme",
	"Bescheiderstellung", "Zahlungsabwicklung", "Aktenablage",
	"Terminvergabe", "Widerspruchsbearbeitung", "Nachweisprüfung",
	"Zustellung", "Statusauskunft", "Datenübermittlung", "Posteingang",
	"Vorgangsbearbeitung", "Genehmigung", "Anhörung", "Beratung",
	"Auswertung", "Archivierung", "Veröffentlichung" };

static const char *const target_groups[] = { "Bürgerinnen und Bürger",
	"Unternehmen", "Kommunalverwaltungen", "Landesverwaltungen",
	"Bundesverwaltung", "Sachbearbeitung", "Studierende", "Eltern",
	"Seniorinnen und Senioren", "Menschen mit Behinderung", "Vereine",
	"Landwirtschaft", "Handwerk", "Gesundheitswesen", "Schulen" };

static const char *const standards[] = { "FIM", "XÖV", "XBau", "XMeld",
	"XPersonenstand", "XInneres", "XDOMEA", "XRechnung", "XJustiz",
	"XUnternehmen", "XSozial", "KERN", "BITV 2.0", "OZG-Reifegradmodell",
	"EfA-Mindestanforderungen", "FIT-Connect", "OSCI-Transport", "eID",
	"BundID", "Servicestandard" };

static const char *const interfaces[] = { "REST-API", "OSCI", "FIT-Connect",
	"XTA 2", "SOAP", "OpenAPI 3", "Webhook", "CSV-Export", "LDAP",
	"SAML 2.0", "OpenID Connect", "WFS", "WMS", "SMTP", "ePayBL" };

static const char *const prerequisites[] = { "PostgreSQL 15", "Kubernetes",
	"Java 21", "Anbindung an ein Servicekonto", "Nutzerkonto Bund",
	"ePayment-Anbindung", "Docker", "Linux-Server",
	"Betrieb im Rechenzentrum", "Active Directory", "Elektronische Akte",
	"Postfach für Bescheide" };

static const char *const categories[] = { "Bürgerservice", "Soziales",
	"Bauen und Wohnen", "Mobilität", "Finanzen", "Ordnung und Sicherheit",
	"Gesundheit", "Bildung", "Umwelt", "Wirtschaft",
	"Verwaltungsinterne Dienste", "Demokratie und Beteiligung" };

static const char *const scenarios[] = {
	"Einführung in einer Kleinstadt mit 20.000 Einwohnern",
	"Gemeinsamer Betrieb durch einen kommunalen IT-Dienstleister",
	"Landesweite Bereitstellung als EfA-Leistung",
	"Pilotbetrieb in einem Landkreis mit mehreren Gemeinden",
	"Ablösung eines papierbasierten Verfahrens",
	"Anbindung an ein bestehendes Fachverfahren",
	"Nutzung im Bürgerbüro am Schalter", "Mobile Nutzung im Außendienst",
	"Betrieb in einer Großstadt mit hohem Antragsaufkommen",
	"Interkommunale Zusammenarbeit mehrerer Städte",
	"Übergangsweiser Parallelbetrieb mit dem Altverfahren",
	"Betrieb als Software as a Service",
	"Eigenbetrieb im kommunalen Rechenzentrum",
	"Schrittweise Einführung nach Fachbereichen",
	"Nutzung durch Ehrenamtliche",
	"Auswertung für die Fachaufsicht des Landes",
	"Anbindung an das Nutzerkonto Bund", "Einsatz in der Landesverwaltung",
	"Ersatz einer Tabellenkalkulation", "Zusammenarbeit mit freien Trägern"
};

static const char *const licences[] = { "EUPL-1.2", "EUPL-1.2", "EUPL-1.2",
	"MIT", "Apache-2.0", "GPL-3.0-or-later", "AGPL-3.0-or-later", "MPL-2.0",
	"BSD-3-Clause", "LGPL-3.0-or-later" };

/* Skewed towards production, as a real catalogue is. */
static const char *const maturities[] = { "concept", "development",
	"development", "pilot", "pilot", "pilot", "production", "production",
	"production", "production", "production", "production", "production",
	"production", "widespread", "widespread", "widespread", "widespread",
	"widespread", "retired" };

static const char *const transfer_steps[] = { "Erstgespräch und Bedarfsklärung",
	"Kooperationsvereinbarung abschließen",
	"Datenschutz-Folgenabschätzung "
	"übernehmen",
	"Technische Bereitstellung",
	"Anbindung an das "
	"Servicekonto",
	"Konfiguration der Mandanten",
	"Schulung der "
	"Sachbearbeitung",
	"Testbetrieb mit echten Anträgen", "Produktivsetzung",
	"Übergabe in den Regelbetrieb" };

static const char *const doc_titles[] = { "Benutzerhandbuch",
	"Betriebshandbuch", "Installationsanleitung",
	"Schnittstellenbeschreibung" };

static const char *const transfer_roles[] = { "adopter", "owner", "provider",
	"onboarding" };

static const char *const sentences[] = {
	"Die Lösung bündelt alle Schritte rund um %s in einem durchgängig "
	"digitalen Verfahren.",
	"Anträge zu %s werden online gestellt, automatisch vorgeprüft und "
	"medienbruchfrei an das Fachverfahren übergeben.",
	"Sachbearbeiterinnen und Sachbearbeiter sehen jederzeit den Stand "
	"jedes "
	"Vorgangs und können Rückfragen direkt im Postfach stellen.",
	"Die Daten werden nach dem Grundsatz der Datensparsamkeit erhoben und "
	"nach Ablauf der Aufbewahrungsfrist gelöscht.",
	"Für %s stehen ausfüllbare Formulare mit Plausibilitätsprüfung und "
	"Hilfetexten zur Verfügung.",
	"Die Anwendung ist mandantenfähig und kann von mehreren Kommunen "
	"gemeinsam betrieben werden.",
	"Bescheide werden aus Textbausteinen erzeugt, elektronisch signiert "
	"und "
	"über das Nutzerkonto zugestellt.",
	"Eine Statistikfunktion liefert Kennzahlen für Steuerung und "
	"Berichtswesen.",
	"Die Weiterentwicklung erfolgt in einer Entwicklungsgemeinschaft, an "
	"der sich nachnutzende Verwaltungen beteiligen können.",
	"Schnittstellen nach offenen Standards erlauben die Anbindung "
	"vorhandener Register und Fachverfahren.",
	"Der Quellcode ist offen, die Dokumentation beschreibt Installation, "
	"Betrieb und Konfiguration ausführlich.",
	"Nachnutzende Stellen erhalten ein Einführungspaket mit Vorlagen, "
	"Schulungsunterlagen und einem Betriebshandbuch.",
	"Das Rollen- und Rechtekonzept trennt Fachadministration, "
	"Sachbearbeitung und technische Betreuung.",
	"Bei %s verkürzt sich die durchschnittliche Bearbeitungszeit nach "
	"Erfahrungen der ersten Anwender deutlich.",
	"Der Betrieb ist im eigenen Rechenzentrum oder bei einem kommunalen "
	"IT-Dienstleister möglich.",
	"Updates erscheinen quartalsweise; Sicherheitskorrekturen werden "
	"kurzfristig bereitgestellt.",
	"Die Oberfläche folgt dem KERN-Designsystem und ist auf mobilen "
	"Geräten ebenso nutzbar wie am Arbeitsplatz.",
	"Zahlungen lassen sich direkt im Antrag über die ePayment-Plattform "
	"des Landes abwickeln.",
	"Ein Protokoll hält jede Änderung nachvollziehbar fest, sodass "
	"Prüfungen "
	"durch Rechnungsprüfung und Datenschutz leicht fallen.",
	"Vorlagen für %s können je Kommune angepasst werden, ohne den "
	"gemeinsamen Kern zu verändern.",
};

static const char *const features[] = {
	"Online-Antrag mit Anmeldung über das Servicekonto",
	"Automatische Vorprüfung der Nachweise",
	"Elektronische Aktenführung mit Aussonderung",
	"Terminvergabe für persönliche Vorsprachen",
	"Bezahlung per ePayment direkt im Antrag",
	"Statusauskunft für Antragstellende",
	"Export der Fallzahlen als CSV",
	"Mehrsprachige Oberfläche (Deutsch, Englisch, Leichte Sprache)",
	"Vertretungsregeln und Wiedervorlagen",
	"Textbausteine und Serienbriefe",
	"Rechtssichere Zustellung von Bescheiden",
	"Import vorhandener Altdaten",
};

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t rng_state = 0x526f6c6c696e2121ULL;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
pick(size_t n)
{
	return (size_t)(rng() % n);
}

static size_t
between(size_t lo, size_t hi)
{
	return lo + pick(hi - lo + 1);
}

#define ANY(list) ((list)[pick(NELEM(list))])

/* An array of k distinct strings out of list (k clamped to its length). */
static json_t *
distinct(const char *const *list, size_t n, size_t k)
{
	size_t  idx[64];
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++) {
		size_t j = i + pick(n - i), t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
		json_array_append_new(a, json_string(list[idx[i]]));
	}
	return a;
}

#define DISTINCT(list, lo, hi) \
	distinct((list), NELEM(list), between((lo), (hi)))

/* "Lebensmittelüberwachung" -> "lebensmittelueberwachung" */
static void
slugify(const char *in, char *out, size_t len)
{
	static const struct {
		const char *from, *to;
	} map[] = { { "ä", "ae" }, { "ö", "oe" }, { "ü", "ue" }, { "Ä", "ae" },
		{ "Ö", "oe" }, { "Ü", "ue" }, { "ß", "ss" } };
	size_t n = 0;

	while (*in && n + 3 < len) {
		size_t k;
		for (k = 0; k < NELEM(map); k++)
			if (strncmp(in, map[k].from, strlen(map[k].from)) == 0)
				break;
		if (k < NELEM(map)) {
			n +=
			    (size_t)snprintf(out + n, len - n, "%s", map[k].to);
			in += strlen(map[k].from);
		} else if ((*in >= 'a' && *in <= 'z') ||
		    (*in >= '0' && *in <= '9'))
			out[n++] = *in++;
		else if (*in >= 'A' && *in <= 'Z')
			out[n++] = (char)(*in++ - 'A' + 'a');
		else {
			if (n > 0 && out[n - 1] != '-')
				out[n++] = '-';
			in++;
		}
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/* ---- records ---------------------------------------------------------- */

struct text {
	char  *s;
	size_t len, cap;
};

static void
text_init(struct text *t)
{
	t->len = 0;
	t->cap = 2048;
	if ((t->s = malloc(t->cap)) == NULL)
		fatalx("out of memory");
	t->s[0] = '\0';
}

static void
text_addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int     n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 64;
		if ((t->s = realloc(t->s, t->cap)) == NULL)
			fatalx("out of memory");
	}
	t->len += (size_t)n;
}

static void
add_sentences(struct text *t, const char *topic, size_t until)
{
	do {
		text_addf(t, ANY(sentences), topic); /* one %s or none */
		text_addf(t, " ");
	} while (t->len < until);
	t->s[--t->len] = '\0';
}

/* Markdown of 1 to 2 KB: overview, features, operation, a link. */
static char *
description(const char *topic, const char *slug, int accessible)
{
	struct text t;
	size_t      target = between(1000, 2000);

	text_init(&t);
	text_addf(&t, "## Überblick\n\n");
	add_sentences(&t, topic, target * 35 / 100);
	text_addf(&t, "\n\n## Funktionen\n\n");
	for (size_t i = 0, n = between(3, 6); i < n; i++)
		text_addf(&t, "- %s\n", ANY(features));
	text_addf(&t, "- Fachlogik für %s nach den aktuellen Vorgaben\n",
	    topic);
	text_addf(&t, "\n## Einsatz und Betrieb\n\n");
	if (accessible)
		text_addf(&t,
		    "Die Oberfläche erfüllt die Anforderungen an "
		    "Barrierefreiheit nach BITV 2.0. ");
	add_sentences(&t, topic, target - 80);
	text_addf(&t,
	    "\n\nWeitere Informationen im [Betriebshandbuch]"
	    "(https://docs.opencode.de/%s/betrieb).\n",
	    slug);
	return t.s;
}

static char *
paragraph(const char *topic, size_t len)
{
	struct text t;

	text_init(&t);
	add_sentences(&t, topic, len);
	return t.s;
}

static int
create(struct db *db, const struct resource *res, json_t *doc)
{
	struct record   r;
	struct rl_error err;

	if (record_create(db, res, 0, doc, &seeder, &r, &err) == -1) {
		char *text = json_dumps(doc, JSON_COMPACT);
		fprintf(stderr, "seed: %s refused (%d %s, field %s): %s\n%s\n",
		    res->name, err.status, err.code, err.field, err.message,
		    text);
		free(text);
		return -1;
	}
	record_clear(&r);
	return 0;
}

static json_t *
organisation(size_t i, char *slug, size_t len)
{
	const char *kind = ANY(org_kinds), *place = places[i % NELEM(places)];
	size_t      state = pick(NELEM(states));
	char        name[200], pslug[40], ars[16];
	json_t     *o;

	slugify(place, pslug, sizeof(pslug));
	if (strcmp(kind, "municipal") == 0)
		snprintf(name, sizeof(name), "%s %s %zu",
		    i % 3 ? "Stadt" : "Landkreis", place, i);
	else if (strcmp(kind, "state") == 0)
		snprintf(name, sizeof(name),
		    "Ministerium für Digitales %s "
		    "(Referat %zu)",
		    states[state], i);
	else if (strcmp(kind, "federal") == 0)
		snprintf(name, sizeof(name),
		    "Bundesamt für Verwaltungsdienste, "
		    "Abteilung %zu",
		    i);
	else if (strcmp(kind, "provider") == 0)
		snprintf(name, sizeof(name),
		    "Kommunale Informationsverarbeitung "
		    "%s %zu",
		    place, i);
	else
		snprintf(name, sizeof(name),
		    "Zweckverband Digitale Verwaltung "
		    "%s %zu",
		    place, i);
	snprintf(slug, len, "%s-%s-%zu", kind, pslug, i);
	o = json_pack("{s:s, s:s, s:s}", "slug", slug, "name", name, "kind",
	    kind);
	if (strcmp(kind, "federal") != 0)
		json_object_set_new(o, "state", json_string(states[state]));
	if (strcmp(kind, "municipal") == 0) {
		/* Land (2 digits, as in the list's order), then the rest */
		snprintf(ars, sizeof(ars), "%02zu%010llu", state + 1,
		    (unsigned long long)(rng() % 10000000000ULL));
		json_object_set_new(o, "ars", json_string(ars));
	}
	json_object_set_new(o, "website",
	    json_sprintf("https://www.%s.de", slug));
	return o;
}

static json_t *
solution(size_t i, char **org_slugs, size_t norgs, char *slug, size_t len)
{
	const char *topic = topics[i % NELEM(topics)];
	const char *noun = ANY(nouns), *owner = org_slugs[pick(norgs)];
	const char *licence = ANY(licences);
	char        tslug[40], nslug[24], name[200], summary[300];
	char       *desc, *usage;
	json_t     *s, *procs, *more, *docs, *steps;
	int         open = pick(10) != 0;

	slugify(topic, tslug, sizeof(tslug));
	slugify(noun, nslug, sizeof(nslug));
	snprintf(slug, len, "%s-%s-%zu", tslug, nslug, i);
	snprintf(name, sizeof(name), "%s-%s-%s %zu", ANY(name_prefixes), topic,
	    noun, i);
	snprintf(summary, sizeof(summary),
	    "%s für %s: digitale Abwicklung von "
	    "der Antragstellung bis zum Bescheid, entwickelt in %s.",
	    name, target_groups[pick(NELEM(target_groups))], ANY(places));
	desc = description(topic, slug, i % 10 == 3);
	usage = paragraph(topic, between(200, 500));

	/* FIM-style service keys from a pool of 400, then free tags */
	procs = json_array();
	for (size_t k = 0, n = between(1, 3); k < n; k++) {
		char   key[32];
		size_t j;
		snprintf(key, sizeof(key), "FIM 99%012zu",
		    (size_t)(1000 + 37 * pick(400)));
		for (j = 0; j < json_array_size(procs); j++)
			if (strcmp(key,
			        json_string_value(json_array_get(procs, j))) ==
			    0)
				break;
		if (j == json_array_size(procs))
			json_array_append_new(procs, json_string(key));
	}
	more = DISTINCT(process_words, 1, 3);
	json_array_extend(procs, more);
	json_decref(more);

	docs = json_array();
	for (size_t k = 0, n = between(2, 4); k < n; k++)
		json_array_append_new(docs,
		    json_pack("{s:s, s:o}", "title", doc_titles[k], "url",
		        json_sprintf("https://docs.opencode.de/%s/doku-%zu",
		            slug, k)));

	steps = json_array();
	for (size_t k = 0, n = between(3, 6); k < n; k++)
		json_array_append_new(steps,
		    json_pack("{s:s, s:s, s:f, s:s}", "step",
		        transfer_steps[(k * 2 + pick(2)) %
		            NELEM(transfer_steps)],
		        "role", ANY(transfer_roles), "effort_days",
		        (double)between(1, 40) / 2.0, "description",
		        "Vorlagen und Checklisten stehen im "
		        "Einführungspaket bereit."));

	s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b, s:s}",
	    "slug", slug, "name", name, "summary", summary, "description", desc,
	    "owner", owner, "homepage",
	    json_sprintf("https://www.%s.de/digital/%s", owner, slug),
	    "repository",
	    json_sprintf("https://gitlab.opencode.de/%s/%s", owner, slug),
	    "licence", open ? licence : "LicenseRef-Proprietaer", "open_source",
	    open, "maturity", ANY(maturities));
	json_object_set_new(s, "problems", DISTINCT(problems, 2, 4));
	json_object_set_new(s, "processes", procs);
	json_object_set_new(s, "target_groups", DISTINCT(target_groups, 1, 4));
	json_object_set_new(s, "standards", DISTINCT(standards, 1, 4));
	json_object_set_new(s, "interfaces", DISTINCT(interfaces, 1, 5));
	json_object_set_new(s, "prerequisites", DISTINCT(prerequisites, 1, 4));
	json_object_set_new(s, "categories", DISTINCT(categories, 1, 2));
	json_object_set_new(s, "usage_context", json_string(usage));
	json_object_set_new(s, "scenarios", DISTINCT(scenarios, 1, 3));
	json_object_set_new(s, "documentation", docs);
	json_object_set_new(s, "transfer_concept", steps);
	free(desc);
	free(usage);
	return s;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
usage_exit(void)
{
	fprintf(stderr,
	    "usage: seed --db PATH --slugs PATH [--solutions N] "
	    "[--organisations M]\n       seed --format\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char     *dbpath = NULL, *slugpath = NULL;
	size_t          nsol = 100000, norg = 500;
	char          **org_slugs, slug[160];
	struct rl_error err;
	struct timespec t0;
	struct db      *db;
	FILE           *slugs;
	json_t         *doc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0) {
			printf("%d\n", SEED_FORMAT);
			return 0;
		}
		if (i + 1 == argc)
			usage_exit();
		if (strcmp(argv[i], "--db") == 0)
			dbpath = argv[++i];
		else if (strcmp(argv[i], "--slugs") == 0)
			slugpath = argv[++i];
		else if (strcmp(argv[i], "--solutions") == 0)
			nsol = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--organisations") == 0)
			norg = strtoul(argv[++i], NULL, 10);
		else
			usage_exit();
	}
	if (dbpath == NULL || slugpath == NULL || nsol == 0 || norg == 0)
		usage_exit();
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	log_set_level(LOG_WARN);
	if ((db = db_open(dbpath, DB_MIGRATE, &err)) == NULL)
		fatalx("%s", err.message);
	/*
	 * A file that is thrown away when the run breaks needs no durability,
	 * and a large page cache keeps the growing indexes in memory.
	 */
	if (db_exec(db, "PRAGMA synchronous=OFF") == -1 ||
	    db_exec(db, "PRAGMA cache_size=-262144") == -1)
		fatalx("cannot set up %s", dbpath);
	if ((slugs = fopen(slugpath, "w")) == NULL)
		fatal("%s", slugpath);
	if ((org_slugs = calloc(norg, sizeof(*org_slugs))) == NULL)
		fatalx("out of memory");
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (db_begin(db) == -1)
		fatalx("cannot begin a transaction");
	for (size_t i = 0; i < norg; i++) {
		doc = organisation(i, slug, sizeof(slug));
		if ((org_slugs[i] = strdup(slug)) == NULL)
			fatalx("out of memory");
		if (create(db, &res_organisation, doc) == -1)
			return 1;
		json_decref(doc);
	}
	for (size_t i = 0; i < nsol; i++) {
		if (i > 0 && i % BATCH == 0) {
			if (db_commit(db) == -1 || db_begin(db) == -1)
				fatalx("cannot commit a batch");
			if (i % (BATCH * 4) == 0)
				fprintf(stderr, "seed: %zu solutions, %.0f s\n",
				    i, elapsed(&t0));
		}
		doc = solution(i, org_slugs, norg, slug, sizeof(slug));
		if (create(db, &res_solution, doc) == -1)
			return 1;
		json_decref(doc);
		fprintf(slugs, "%s\n", slug);
	}
	if (db_commit(db) == -1)
		fatalx("cannot commit the last batch");
	if (db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == -1 ||
	    db_exec(db, "PRAGMA optimize") == -1)
		fatalx("cannot checkpoint");
	fprintf(stderr, "seed: %zu organisations, %zu solutions in %.1f s\n",
	    norg, nsol, elapsed(&t0));
	for (size_t i = 0; i < norg; i++)
		free(org_slugs[i]);
	free(org_slugs);
	db_close(db);
	if (fclose(slugs) == EOF)
		fatal("%s", slugpath);
	return 0;
}
