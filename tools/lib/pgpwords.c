#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgpwords.h"

/* Transcribed from the published list; checked word for word against two
 * independent copies (kskm's common/wordlist.py, magic-wormhole's
 * _wordlist.py), and by the vectors in tests/unit/test-pgpwords.c. */
/* clang-format off */
static const char *const even_words[256] = {
	/* 0x00 */ "aardvark", "absurd", "accrue", "acme",
	/* 0x04 */ "adrift", "adult", "afflict", "ahead",
	/* 0x08 */ "aimless", "Algol", "allow", "alone",
	/* 0x0c */ "ammo", "ancient", "apple", "artist",
	/* 0x10 */ "assume", "Athens", "atlas", "Aztec",
	/* 0x14 */ "baboon", "backfield", "backward", "banjo",
	/* 0x18 */ "beaming", "bedlamp", "beehive", "beeswax",
	/* 0x1c */ "befriend", "Belfast", "berserk", "billiard",
	/* 0x20 */ "bison", "blackjack", "blockade", "blowtorch",
	/* 0x24 */ "bluebird", "bombast", "bookshelf", "brackish",
	/* 0x28 */ "breadline", "breakup", "brickyard", "briefcase",
	/* 0x2c */ "Burbank", "button", "buzzard", "cement",
	/* 0x30 */ "chairlift", "chatter", "checkup", "chisel",
	/* 0x34 */ "choking", "chopper", "Christmas", "clamshell",
	/* 0x38 */ "classic", "classroom", "cleanup", "clockwork",
	/* 0x3c */ "cobra", "commence", "concert", "cowbell",
	/* 0x40 */ "crackdown", "cranky", "crowfoot", "crucial",
	/* 0x44 */ "crumpled", "crusade", "cubic", "dashboard",
	/* 0x48 */ "deadbolt", "deckhand", "dogsled", "dragnet",
	/* 0x4c */ "drainage", "dreadful", "drifter", "dropper",
	/* 0x50 */ "drumbeat", "drunken", "Dupont", "dwelling",
	/* 0x54 */ "eating", "edict", "egghead", "eightball",
	/* 0x58 */ "endorse", "endow", "enlist", "erase",
	/* 0x5c */ "escape", "exceed", "eyeglass", "eyetooth",
	/* 0x60 */ "facial", "fallout", "flagpole", "flatfoot",
	/* 0x64 */ "flytrap", "fracture", "framework", "freedom",
	/* 0x68 */ "frighten", "gazelle", "Geiger", "glitter",
	/* 0x6c */ "glucose", "goggles", "goldfish", "gremlin",
	/* 0x70 */ "guidance", "hamlet", "highchair", "hockey",
	/* 0x74 */ "indoors", "indulge", "inverse", "involve",
	/* 0x78 */ "island", "jawbone", "keyboard", "kickoff",
	/* 0x7c */ "kiwi", "klaxon", "locale", "lockup",
	/* 0x80 */ "merit", "minnow", "miser", "Mohawk",
	/* 0x84 */ "mural", "music", "necklace", "Neptune",
	/* 0x88 */ "newborn", "nightbird", "Oakland", "obtuse",
	/* 0x8c */ "offload", "optic", "orca", "payday",
	/* 0x90 */ "peachy", "pheasant", "physique", "playhouse",
	/* 0x94 */ "Pluto", "preclude", "prefer", "preshrunk",
	/* 0x98 */ "printer", "prowler", "pupil", "puppy",
	/* 0x9c */ "python", "quadrant", "quiver", "quota",
	/* 0xa0 */ "ragtime", "ratchet", "rebirth", "reform",
	/* 0xa4 */ "regain", "reindeer", "rematch", "repay",
	/* 0xa8 */ "retouch", "revenge", "reward", "rhythm",
	/* 0xac */ "ribcage", "ringbolt", "robust", "rocker",
	/* 0xb0 */ "ruffled", "sailboat", "sawdust", "scallion",
	/* 0xb4 */ "scenic", "scorecard", "Scotland", "seabird",
	/* 0xb8 */ "select", "sentence", "shadow", "shamrock",
	/* 0xbc */ "showgirl", "skullcap", "skydive", "slingshot",
	/* 0xc0 */ "slowdown", "snapline", "snapshot", "snowcap",
	/* 0xc4 */ "snowslide", "solo", "southward", "soybean",
	/* 0xc8 */ "spaniel", "spearhead", "spellbind", "spheroid",
	/* 0xcc */ "spigot", "spindle", "spyglass", "stagehand",
	/* 0xd0 */ "stagnate", "stairway", "standard", "stapler",
	/* 0xd4 */ "steamship", "sterling", "stockman", "stopwatch",
	/* 0xd8 */ "stormy", "sugar", "surmount", "suspense",
	/* 0xdc */ "sweatband", "swelter", "tactics", "talon",
	/* 0xe0 */ "tapeworm", "tempest", "tiger", "tissue",
	/* 0xe4 */ "tonic", "topmost", "tracker", "transit",
	/* 0xe8 */ "trauma", "treadmill", "Trojan", "trouble",
	/* 0xec */ "tumor", "tunnel", "tycoon", "uncut",
	/* 0xf0 */ "unearth", "unwind", "uproot", "upset",
	/* 0xf4 */ "upshot", "vapor", "village", "virus",
	/* 0xf8 */ "Vulcan", "waffle", "wallet", "watchword",
	/* 0xfc */ "wayside", "willow", "woodlark", "Zulu",
};

static const char *const odd_words[256] = {
	/* 0x00 */ "adroitness", "adviser", "aftermath", "aggregate",
	/* 0x04 */ "alkali", "almighty", "amulet", "amusement",
	/* 0x08 */ "antenna", "applicant", "Apollo", "armistice",
	/* 0x0c */ "article", "asteroid", "Atlantic", "atmosphere",
	/* 0x10 */ "autopsy", "Babylon", "backwater", "barbecue",
	/* 0x14 */ "belowground", "bifocals", "bodyguard", "bookseller",
	/* 0x18 */ "borderline", "bottomless", "Bradbury", "bravado",
	/* 0x1c */ "Brazilian", "breakaway", "Burlington", "businessman",
	/* 0x20 */ "butterfat", "Camelot", "candidate", "cannonball",
	/* 0x24 */ "Capricorn", "caravan", "caretaker", "celebrate",
	/* 0x28 */ "cellulose", "certify", "chambermaid", "Cherokee",
	/* 0x2c */ "Chicago", "clergyman", "coherence", "combustion",
	/* 0x30 */ "commando", "company", "component", "concurrent",
	/* 0x34 */ "confidence", "conformist", "congregate", "consensus",
	/* 0x38 */ "consulting", "corporate", "corrosion", "councilman",
	/* 0x3c */ "crossover", "crucifix", "cumbersome", "customer",
	/* 0x40 */ "Dakota", "decadence", "December", "decimal",
	/* 0x44 */ "designing", "detector", "detergent", "determine",
	/* 0x48 */ "dictator", "dinosaur", "direction", "disable",
	/* 0x4c */ "disbelief", "disruptive", "distortion", "document",
	/* 0x50 */ "embezzle", "enchanting", "enrollment", "enterprise",
	/* 0x54 */ "equation", "equipment", "escapade", "Eskimo",
	/* 0x58 */ "everyday", "examine", "existence", "exodus",
	/* 0x5c */ "fascinate", "filament", "finicky", "forever",
	/* 0x60 */ "fortitude", "frequency", "gadgetry", "Galveston",
	/* 0x64 */ "getaway", "glossary", "gossamer", "graduate",
	/* 0x68 */ "gravity", "guitarist", "hamburger", "Hamilton",
	/* 0x6c */ "handiwork", "hazardous", "headwaters", "hemisphere",
	/* 0x70 */ "hesitate", "hideaway", "holiness", "hurricane",
	/* 0x74 */ "hydraulic", "impartial", "impetus", "inception",
	/* 0x78 */ "indigo", "inertia", "infancy", "inferno",
	/* 0x7c */ "informant", "insincere", "insurgent", "integrate",
	/* 0x80 */ "intention", "inventive", "Istanbul", "Jamaica",
	/* 0x84 */ "Jupiter", "leprosy", "letterhead", "liberty",
	/* 0x88 */ "maritime", "matchmaker", "maverick", "Medusa",
	/* 0x8c */ "megaton", "microscope", "microwave", "midsummer",
	/* 0x90 */ "millionaire", "miracle", "misnomer", "molasses",
	/* 0x94 */ "molecule", "Montana", "monument", "mosquito",
	/* 0x98 */ "narrative", "nebula", "newsletter", "Norwegian",
	/* 0x9c */ "October", "Ohio", "onlooker", "opulent",
	/* 0xa0 */ "Orlando", "outfielder", "Pacific", "pandemic",
	/* 0xa4 */ "Pandora", "paperweight", "paragon", "paragraph",
	/* 0xa8 */ "paramount", "passenger", "pedigree", "Pegasus",
	/* 0xac */ "penetrate", "perceptive", "performance", "pharmacy",
	/* 0xb0 */ "phonetic", "photograph", "pioneer", "pocketful",
	/* 0xb4 */ "politeness", "positive", "potato", "processor",
	/* 0xb8 */ "provincial", "proximate", "puberty", "publisher",
	/* 0xbc */ "pyramid", "quantity", "racketeer", "rebellion",
	/* 0xc0 */ "recipe", "recover", "repellent", "replica",
	/* 0xc4 */ "reproduce", "resistor", "responsive", "retraction",
	/* 0xc8 */ "retrieval", "retrospect", "revenue", "revival",
	/* 0xcc */ "revolver", "sandalwood", "sardonic", "Saturday",
	/* 0xd0 */ "savagery", "scavenger", "sensation", "sociable",
	/* 0xd4 */ "souvenir", "specialist", "speculate", "stethoscope",
	/* 0xd8 */ "stupendous", "supportive", "surrender", "suspicious",
	/* 0xdc */ "sympathy", "tambourine", "telephone", "therapist",
	/* 0xe0 */ "tobacco", "tolerance", "tomorrow", "torpedo",
	/* 0xe4 */ "tradition", "travesty", "trombonist", "truncated",
	/* 0xe8 */ "typewriter", "ultimate", "undaunted", "underfoot",
	/* 0xec */ "unicorn", "unify", "universe", "unravel",
	/* 0xf0 */ "upcoming", "vacancy", "vagabond", "vertigo",
	/* 0xf4 */ "Virginia", "visitor", "vocalist", "voyager",
	/* 0xf8 */ "warranty", "Waterloo", "whimsical", "Wichita",
	/* 0xfc */ "Wilmington", "Wyoming", "yesteryear", "Yucatan",
};
/* clang-format on */

/* The longest word ("belowground", "chambermaid", ...) has 11 letters. */
#define LONGEST_WORD 11

const char *kskit_pgp_word(unsigned byte, int odd)
{
	if (byte > 255)
		return NULL;
	return odd ? odd_words[byte] : even_words[byte];
}

char *kskit_pgp_words(const unsigned char *data, size_t len)
{
	size_t i, n = 1;
	char *out, *p;

	if (len > (SIZE_MAX - 1) / (LONGEST_WORD + 1))
		return NULL;
	for (i = 0; i < len; i++)
		n += strlen(kskit_pgp_word(data[i], i & 1)) + 1;
	out = malloc(n);
	if (out == NULL)
		return NULL;
	p = out;
	*p = '\0';
	for (i = 0; i < len; i++) {
		const char *w = kskit_pgp_word(data[i], i & 1);
		size_t wl = strlen(w);

		if (i > 0)
			*p++ = ' ';
		memcpy(p, w, wl + 1);
		p += wl;
	}
	return out;
}
