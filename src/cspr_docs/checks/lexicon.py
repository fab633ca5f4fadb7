"""The words reviewers use for each required part of a report, built from published local child safeguarding
practice reviews and serious case reviews (fixtures/drafts/corpus.md lists them and their headings).

Every pattern is a regular expression over normalised text (`checks.text.normalise`: lower case, plain quotes
and dashes, no accents). `headings` name a section that holds the element ("Family involvement", "What did the
family tell us?"); `phrases` are things a sentence of the body says when it does the element's work without a
heading of its own ("the mother met the reviewer twice"). A heading is strong evidence, a phrase in the text is
evidence too; a single phrase on its own is weak (a warning, not an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty[- ]?four|"
          r"a|an|several|a few)")
"""A count as reviewers write it: digits or words ("within six months", "a seven-minute briefing")."""
CHILD = r"(?:child|baby|infant|young person|sibling|children|siblings|babies|brother|sister)"
"""How a report names its subject: "Child P", "Baby J", "the young person"."""
FAMILY = (r"(?:mother|father|mum|dad|parents?|step-?(?:mother|father|parent)|carers?|grand(?:mother|father|parents?)|"
          r"aunt|uncle|family(?: members?)?|relatives?|kinship carers?|foster carers?|guardians?|partner|"
          r"maternal \w+|paternal \w+|extended family|(?:mr|mrs|ms|miss) [a-z]{1,3})")
"""Who "the family" is when a report says who took part in the review (never the child or a practitioner)."""
_NOT_A_CHILD = (rf"(?!{FAMILY}\b|(?:the )?(?:practitioners?|professionals?|workers?|agency|agencies|partnership|review|"
                r"reviewers?|panel|board|school|nursery|police|team|service|system|author)\b)")
PSEUDONYM = rf"(?:(?:the )?{CHILD}(?: [a-z0-9]{{1,3}})?|{_NOT_A_CHILD}[a-z][a-z-]+)"
"""The child as a heading names them: "Child P", "the baby", or a pseudonym ("Jody"), never a parent or a role."""


@dataclass(frozen=True)
class Lexicon:
    """How one required element is recognised."""

    label: str
    headings: tuple[str, ...]
    phrases: tuple[str, ...] = ()

    def heading_regex(self, extra: tuple[str, ...] = ()) -> re.Pattern[str]:
        return re.compile("|".join((*self.headings, *(re.escape(e) for e in extra))))

    def phrase_regex(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.phrases)) if self.phrases else None


_REVIEW = r"(?:review|reviewer|reviewers|author|lead reviewer|review team|panel|this process|the learning event)"

LEXICONS: dict[str, Lexicon] = {
    "improvements-summary": Lexicon(
        "a summary of recommended improvements",
        (r"summary of (the )?(recommended )?improvements?", r"recommend", r"\bimprovements?\b", r"what (needs?|has|have|must|should|will) (to )?(change|happen|be done)", (r"what (should|must|will|"
         r"can) (change|be done|we do|the partnership do)"), r"changes? (needed|required|to be made)",
         r"areas? (for|of) (improvement|development)", r"(priorit(y|ies)|actions?) for (change|improvement|the partnership)",
         r"questions? for the (board|partnership|safeguarding partners|partners)", (r"making (things|it|practice) "
         r"(better|safer)"), r"what (the partnership|partners|agencies) (will|should|must) do",
         r"\bactions? (required|plan|agreed)\b", r"learning into action"),
        (r"\b(we|the review(er)?|this review) (recommends?|makes? (the following |these )?recommendations?)",
         r"\bit is recommended\b", r"\brecommendation (\d+|one|two|three)\b",
         (r"\b(the )?(safeguarding )?(partnership|partners|board|agencies|icb|police|local authority|council|trust|"
         r"school|practitioners|commissioners) (should|must|need to) (ensure|review|develop|seek|consider|"
         r"introduce|provide|strengthen|agree|update|audit|establish|embed|raise)\b"),
         r"\bthe following (recommendations|improvements|actions)\b")),
    "systemic-analysis": Lexicon(
        "an analysis of systemic or underlying reasons",
        (r"systemic", r"underlying (reasons?|causes?|factors?|issues?|themes?)", (r"\bwhy (did |do |does )?(things|this|"
         r"it|events?|these|that)\b.{0,30}\bhappen"), r"\bwhy\b.{0,40}\b(happened|happen|as (it|they) did|occurred)",
         r"\banalysis\b", r"\bfindings?\b", r"\b(key )?(learning|practice) themes?\b",
         r"\b(contributory|contributing|influencing|organisational|system) (factors|issues|conditions)",
         r"\broot causes?\b", r"what (did )?(we|the review) (learn|learned|learnt|found|find)\b",
         r"\bexplaining (practice|why)\b", r"\bthemes? (and|&) (learning|findings?)\b", r"\bkey issues\b",
         r"\bcritical analysis\b", r"\blearning (points|from (this|the) (case|review))"),
        ((r"\bsystemic (reasons?|factors?|issues?|analysis|causes?|learning|findings?|problems?|barriers?|weakness(es)?|"
         r"themes?|conditions?)"), r"\bunderlying (reasons?|causes?|factors?|issues?|conditions?)",
         r"\b(root|deeper) causes?\b", r"\bwhy (things|this|events) happened\b",
         r"\b(organisational|system|systems) (culture|context|pressures?|factors?|conditions?|issues?|weakness(es)?)",
         r"\b(features?|typical|characteristic) of (wider |current |local )?(practice|the system)",
         r"\bwould (probably |likely )?happen again\b", r"\bnot (unique|specific) to this (case|family)\b",
         r"\b(the|a) system (had|has|did|does|was|is|treated|made|allowed|relied|expected)\b",
         r"\bno (single )?agency (owned|held|had)\b", r"\b(known|familiar) pattern\b",
         r"\b(bias|turnover|workloads?|caseloads?|capacity|culture) (meant|made|led|left|allowed|is|was|were)\b",
         r"\b(across|throughout) (the )?(service|services|system|partnership)\b", r"\bnationally\b")),
    "child-perspective": Lexicon(
        "the child's lived experience or perspective",
        (r"\b(voice|views?|wishes|feelings|perspective|experiences?|world|life|story|daily life|day) of (the )?"
         + CHILD, (rf"\b{PSEUDONYM}'?s? (voice|perspective|lived experience|daily life|views?|wishes|world|life|story|"
         r"experiences?|day)\b"), r"\blived experiences?\b", r"\bpen (picture|portrait)\b",
         rf"\bwho (was|is) {PSEUDONYM}\b", rf"\babout {PSEUDONYM}\b", r"\bwhat (life|it) was like\b",
         rf"\b{PSEUDONYM} in (their|his|her) own words\b", r"\bthrough (the )?(eyes|experience) of\b",
         r"\bthe child at the (centre|center)\b", r"\bchild'?s? (journey|timeline)\b",
         rf"^(about )?(the )?{CHILD}( [a-z0-9]{{1,3}})?$", r"\bin (their|his|her) own words\b"),
        (r"\blived experiences?\b", r"\bvoice of (the )?" + CHILD, r"\b(the )?" + CHILD + r"'s (voice|perspective|views?|"
         r"wishes|feelings|lived experience|experiences?|daily life|world)\b",
         rf"\b{CHILD}(?: [a-z0-9]{{1,3}})?'?s? (voice|perspective|views?|wishes|feelings|daily life|world)\b",
         r"\bfrom (the )?" + CHILD + r"'?s? (point of view|perspective)\b", r"\bwhat (life|it) was like for\b",
         (rf"\b{CHILD}(?: [a-z0-9]{{1,3}})? (said|told|described|disclosed|wanted|asked|wrote|drew|would say|"
         r"did not want|was (frightened|scared|happy|sad|hungry|worried|anxious))\b"),
         rf"\b{CHILD}(?: [a-z0-9]{{1,3}})?,[^.;]{{0,40}}, (said|told|described|disclosed|wrote|asked)\b",
         r"\b(missed|misses) (his|her|their) (mum|mother|dad|father|sister|brother)\b",
         (r"\b(said|told|described|disclosed) (that )?(she|he|they) (did not want|was frightened|was scared|wanted|"
         r"felt|was hungry|was hurt)\b"), r"\b(his|her|their) (wishes and feelings|voice|own words)\b")),
    "family-involvement": Lexicon(
        "family involvement in the review",
        (r"\bfamily (involvement|engagement|contribution|participation|views?|perspective|voice|input)",
         (rf"\b{FAMILY}\b.{{0,30}}\b(involv\w*|contribut\w*|engag\w*|participat\w*|spoke|told|said|views?|voice|"
         r"perspectives?|input|met)\b"), (rf"\b(involv\w*|contribut\w*|hearing|heard|listening|engag\w*|working|"
         rf"speaking|talking|views?|voices?|perspectives?) (from|of|with|to) (the )?{FAMILY}\b"),
         r"\binvolvement of (the )?(family|parents|mother|father)", (rf"\b{FAMILY}'?s? (voice|views?|perspective|"
         r"contribution|input|participation|involvement)\b"), (r"\bwhat (did |does |do )?(the )?(family|parents|mother|father|"
         r"[a-z-]+'s (family|parents|mother|father)) (said|say|told|tell|thought|think|wanted|want|felt)"), r"\bvoice of the (family|parents)\b",
         r"\b(engagement|engaging|contact) with (the )?(family|parents)\b", (r"\b(family|parents) and "
         r"(practitioner|professional)s? (involvement|engagement|contribution)"),
         r"\bcontributions? (of|from) (the )?(family|parents)"),
        ((rf"\b{FAMILY} (was|were|has been|have been|had been) (invited|involved|consulted|contacted|offered|informed|"
         r"interviewed|asked)\b"), rf"\b{FAMILY} (declined|did not wish|chose not|did not take part|did not respond|"
         r"contributed|took part|participated|agreed to|met (with )?(the )?" + _REVIEW + r"|spoke (with|to) (the )?"
         + _REVIEW + r")", r"\bthe (lead )?reviewers? (met|spoke|wrote|talked) (with|to) (the )?" + FAMILY + r"\b",
         r"\b(invited|invitation) (the )?" + FAMILY + r" to (contribute|take part|participate|meet|be involved)",
         r"\bfamily (members? )?(were|was) (invited|offered|given)")),
    "overview": Lexicon(
        "a brief overview of what happened and the key circumstances, background and context",
        (r"\boverview\b", r"\bbackground\b", r"\bwhat happened\b", (r"\b(case|family) (summary|context|background|"
         r"history)\b"), r"\bkey circumstances\b", r"\bcontext\b", r"\bintroduction\b", (r"\bsummary of (the )?(case|"
         r"events|circumstances)"), r"\bthe incident\b", r"\bcircumstances\b", r"\bsummary\b", r"\bchronology\b",
         r"\b(brief|short) history\b", r"\bthe facts\b", r"\b(rationale|reasons?) for (the )?review\b",
         r"\bwhy (was )?(this|the) review\b", r"\babout (this|the) (review|case)\b",
         r"\bpurpose\b", r"\bscope\b"),
        (r"\bwhat happened\b", r"\b(this|the) review (concerns|considers|looks at|covers|was commissioned)\b",
         r"\b(was|were) (convicted|killed|found|injured|harmed|abused|exploited|placed)\b", r"\b(was|were) (admitted|taken|brought) to hospital\b", r"\bdied\b",
         r"\b(seriously|significantly) (harmed|injured)\b", r"\bsustained\b")),
    "professional-decisions": Lexicon(
        "a summary of why relevant decisions by professionals were taken",
        (r"\bdecisions?\b", r"\bkey (practice )?episodes?\b", r"\bpractice episodes?\b", r"\banalysis of practice\b",
         r"\bprofessional (practice|judgements?|decision)", r"\bappraisal of (professional )?practice\b",
         r"\b(key|critical) (moments|points|events)\b", r"\bwhy (did )?(professionals|practitioners)\b",
         r"\bagency involvement\b", r"\bpractice (and|&) decision"),
        (r"\b(decision|decided)\b.{0,80}\b(because|as|since|due to|on the basis|so that|given)\b",
         r"\bwhy .{0,40}decisions?\b", (r"\b(practitioners?|professionals?|workers?) (judged|assessed|thought|believed|"
         r"concluded)\b"), r"\bthe (rationale|reasoning) for\b",
         (r"\b(practitioners?|professionals?|social workers?|the (health visitor|midwife|school|police|gp|nurse|"
         r"teacher|social worker|service|team|agency))\b[^.;]{0,30}\b(decided|did not|chose|saw|treated|judged|"
         r"believed|thought|concluded|accepted|relied|assumed|listened|acted)\b"),
         (r"\b(plans?|decisions?|assessments?|referrals?|visits?) (were|was) (made|taken|repeated|reviewed|stepped "
         r"down|closed|held|not)\b"))),
    "agencies-working-together": Lexicon(
        "a critique of how agencies worked together and any shortcomings",
        (r"multi-?agency", r"inter-?agency", r"working together", r"partnership working", r"how agencies",
         r"information sharing", r"sharing information", r"joint working", r"communication between",
         r"agencies (worked|working)"),
        (r"\bmulti-?agency (working|practice|response|meeting|discussion|approach)", r"\bagencies worked together\b",
         r"\binter-?agency (working|communication)", r"\binformation (sharing|was (not )?shared)\b",
         r"\bshared (information|their concerns)\b", r"\bstrategy (discussion|meeting)\b", r"\bjoint working\b",
         (r"\b(information|responsibility|case responsibility|records?|concerns?)\b[^.;]{0,30}\b(moved|passed|"
         r"transferred|shared|did not (move|pass|follow))\b"), (r"\bbetween (the )?(two |different )?(agencies|"
         r"services|local authorities|authorities|teams|partners|organisations)\b"),
         r"\b(no|each|one|every) (single )?agency\b", r"\bowned the (whole )?(picture|plan|case)\b")),
    "practice-in-general": Lexicon(
        "whether the shortcomings are features of practice in general",
        (r"systemic", r"wider (practice|learning|system|context|themes?)", r"practice in general", r"recurr",
         r"national (learning|context|themes?|research)", r"\bfindings?\b", r"\bthemes?\b", r"\bunderlying\b"),
        (r"(features?|typical|characteristic) of (wider |current |local )?practice",
         r"practice (more )?(generally|in general|more widely|across)", r"\bsystemic\b",
         r"(wider|common|recurrent|recurring|national) (practice )?(issues?|themes?|problems?|patterns?|learning)",
         r"\b(other|previous|earlier) (local |national )?(reviews|case reviews)\b", r"\bnot unique to\b",
         r"\b(national|local) (research|reviews) (show|found|have found|highlight)",
         r"\b(known|familiar|common) (pattern|problem|issue|theme)s?\b", r"\bpatterns? (across|in) (the )?\w+",
         r"\bacross (the )?(service|services|agencies|partnership|system|country|teams|england)\b",
         r"\bnationally\b", (r"\bnot (a )?(feature|problem|issue|failing)s? of (this|one) (case|team|agency|family|"
         r"practitioner)"), r"\bnot problems? of one\b", r"\b(this|these|it) (is|are) (likely|common|typical)\b")),
    "done-differently": Lexicon(
        "what would need to be done differently to prevent harm in similar circumstances",
        (r"(done|do) differently", r"what (needs?|has) to change", r"\bprevent", r"recommend", r"improvements?",
         r"what (should|must|will) change", r"areas? for (improvement|development)",
         r"questions? for the (board|partnership|safeguarding partners)", r"\blearning\b"),
        (r"(done|do|act|work) differently", r"prevent (similar |further |future )?(harm|deaths?|incidents?)",
         r"in similar circumstances", r"needs? to change", r"\b(should|must) (have )?(been )?(ensure|consider)",
         r"\bwould (have )?(helped|made a difference|improved)\b")),
    "good-practice": Lexicon(
        "examples of good practice",
        (r"good practice", r"what (worked|went) well", r"strengths", r"positive practice", r"notable practice",
         r"effective practice", r"what (is|was) working well", r"appreciative", r"good (and|&) (effective|notable)",
         r"examples of (good|positive)"),
        (r"good practice", r"worked well", r"went well", (r"(positive|effective|notable|excellent|tenacious|"
         r"persistent) (practice|work|example)"), r"\bis to be commended\b", r"\bwas (a )?(strength|commendable)\b")),
    "agencies-learn": Lexicon(
        "what needs to happen to ensure agencies learn from the case",
        (r"\blearning\b", r"\blearn", r"\blessons?\b", r"dissemination", r"\bdisseminat", r"next steps",
         r"improvement action", r"action plan", r"making sure the learning", r"sharing (the )?learning",
         r"(embedding|embed|using|use of|spreading|share|sharing) (the )?(learning|lessons)", r"\bimpact\b",
         r"\bwhat happens next\b", r"\bafter (this|the) review\b", r"\bmonitoring\b"),
        ((r"(agencies|partners|partnership|board) (will|should|must) (learn|share|disseminate|embed|publish|"
         r"circulate|promote|deliver|monitor|audit)"), (r"learning (will|should|must) be (shared|disseminated|embedded|"
         r"used|circulated|promoted)"), (r"\blearning (briefings?|brief|events?|summar(y|ies)|sessions?|materials?|"
         r"resources?|circles?|workshops?|podcasts?)\b"),
         r"\b(7|seven)[- ]minute (briefings?|brief|learning)\b", r"\b(6|six)[- ]step briefings?\b",
         r"\bpractitioner (events?|briefings?|workshops?|forums?)\b", r"\bmulti-?agency (training|audit)\b",
         r"\bdisseminat(e|ed|ion|ing)\b", r"\b(share|spread|embed)\b.{0,20}\b(learning|lessons)\b",
         r"\bpublish(ed|ing)? (a|the) (briefing|summary|report)\b")),
}
"""The statutory elements (Working Together to Safeguard Children 2023, chapter 5: a summary of recommended
improvements and an analysis of systemic or underlying reasons), the child and family, and the minimum content
listed in the Leicester, Leicestershire and Rutland LCSPR Framework and Practice Guidance, section 9.1.2."""

MINIMUM_CONTENT = ("overview", "professional-decisions", "agencies-working-together", "practice-in-general",
                   "done-differently", "good-practice", "agencies-learn")

_RECOMMENDATION_WORDS = r"recommend|improvement|what (needs?|has|must|should|will) (to )?(change|happen|be done)|actions?"
RECOMMENDATION_SECTION = re.compile(rf"\b({_RECOMMENDATION_WORDS})\b|changes? (needed|required)|areas? for improvement")
"""A heading under which recommendations are listed."""

__all__ = ["CHILD", "FAMILY", "LEXICONS", "MINIMUM_CONTENT", "NUMBER", "RECOMMENDATION_SECTION", "Lexicon"]
