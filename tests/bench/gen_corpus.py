#!/usr/bin/env python3
"""Writes N synthetic but realistic clinic topics (Markdown + YAML front
matter) into OUTDIR, for the benchmarks in tests/bench/.

Usage: gen_corpus.py N OUTDIR

Deterministic: a fixed seed, no network, no clock. The same N gives the same
files byte for byte, and the first 50 topics of a 500-topic corpus are the
50-topic corpus. Each topic has a title block, two or three levels of
headings, paragraphs of varied length with emphasis, links, accented words
(café, naïve, Zoë), doses ("30 mg"), phone numbers ("0161 555 0199") and
dates, nested lists, a table, a "> [!WARNING]"-style alert and footnotes.
The text comes from sentence templates filled from built-in word lists.
"""
import os
import random
import re
import sys

SEED = 20260301

# ---- vocabulary --------------------------------------------------------

SUBJECTS = [
    # (title, short name, kind, department, id prefix)
    ("Having a colonoscopy", "colonoscopy", "procedure", "Endoscopy Unit", "END"),
    ("Having a gastroscopy", "gastroscopy", "procedure", "Endoscopy Unit", "END"),
    ("Your cataract operation", "cataract surgery", "procedure", "Eye Clinic", "OPH"),
    ("Having a hip replacement", "hip replacement", "procedure", "Orthopaedic Ward", "ORT"),
    ("Having a knee replacement", "knee replacement", "procedure", "Orthopaedic Ward", "ORT"),
    ("Having an MRI scan", "MRI scan", "procedure", "Radiology Department", "RAD"),
    ("Having a bone marrow biopsy", "bone marrow biopsy", "procedure", "Haematology Day Unit", "HAE"),
    ("Having a cardiac catheter test", "cardiac catheterisation", "procedure", "Cardiac Day Unit", "CAR"),
    ("Your skin biopsy", "skin biopsy", "procedure", "Dermatology Clinic", "DER"),
    ("Having a PICC line fitted", "PICC line", "procedure", "Vascular Access Team", "ONC"),
    ("Living with type 2 diabetes", "type 2 diabetes", "condition", "Diabetes Centre", "DIA"),
    ("Living with heart failure", "heart failure", "condition", "Heart Failure Service", "CAR"),
    ("Understanding atrial fibrillation", "atrial fibrillation", "condition", "Cardiology Clinic", "CAR"),
    ("Managing asthma in adults", "asthma", "condition", "Respiratory Clinic", "RES"),
    ("Living with COPD", "COPD", "condition", "Respiratory Clinic", "RES"),
    ("Understanding coeliac disease", "coeliac disease", "condition", "Gastroenterology Clinic", "GAS"),
    ("Living with Crohn's disease", "Crohn's disease", "condition", "IBD Service", "GAS"),
    ("Understanding osteoporosis", "osteoporosis", "condition", "Bone Health Clinic", "RHE"),
    ("Living with rheumatoid arthritis", "rheumatoid arthritis", "condition", "Rheumatology Clinic", "RHE"),
    ("Understanding chronic kidney disease", "chronic kidney disease", "condition", "Renal Clinic", "REN"),
    ("After a stroke: going home", "stroke recovery", "condition", "Stroke Unit", "STR"),
    ("Managing lymphoedema", "lymphoedema", "condition", "Lymphoedema Service", "ONC"),
    ("Taking warfarin", "warfarin", "medicine", "Anticoagulation Clinic", "PHA"),
    ("Taking methotrexate", "methotrexate", "medicine", "Rheumatology Clinic", "PHA"),
    ("Taking apixaban", "apixaban", "medicine", "Anticoagulation Clinic", "PHA"),
    ("Using your inhaler", "inhalers", "medicine", "Respiratory Clinic", "PHA"),
    ("Taking oral morphine", "oral morphine", "medicine", "Palliative Care Team", "PAL"),
    ("Starting insulin", "insulin", "medicine", "Diabetes Centre", "DIA"),
    ("Taking tamoxifen", "tamoxifen", "medicine", "Breast Care Team", "ONC"),
    ("Having radiotherapy to the chest", "chest radiotherapy", "treatment", "Radiotherapy Department", "ONC"),
    ("Having immunotherapy", "immunotherapy", "treatment", "Oncology Day Unit", "ONC"),
    ("Having a blood transfusion", "blood transfusion", "treatment", "Haematology Day Unit", "HAE"),
    ("Having dialysis", "haemodialysis", "treatment", "Renal Unit", "REN"),
    ("Pulmonary rehabilitation", "pulmonary rehabilitation", "treatment", "Respiratory Physiotherapy", "RES"),
    ("Eating well during cancer treatment", "eating well", "advice", "Dietetics Department", "DIE"),
    ("Preventing falls at home", "falls prevention", "advice", "Falls Service", "GER"),
    ("Looking after your wound", "wound care", "advice", "Surgical Ward", "SUR"),
    ("Sleeping well in hospital", "sleep in hospital", "advice", "Patient Experience Team", "PEX"),
    ("Caring for someone with dementia", "dementia care", "advice", "Memory Clinic", "GER"),
    ("Coming into hospital for surgery", "admission for surgery", "advice", "Pre-operative Assessment Clinic", "SUR"),
]

SUBTITLES = [
    "Information for patients", "Information for patients and carers",
    "A guide for you and your family", "What to expect and how to prepare",
    "Answers to common questions", "Information for adults",
]

STAFF = ["Dr Patel", "Dr Okafor", "Dr Nguyen", "Dr Hughes", "Dr Kowalski", "Dr Ahmed",
         "Sister Zoë Clarke", "Nurse Chloë Evans", "José Martínez", "Renée Dubois",
         "Mr Brennan", "Ms Achebe", "Dr Müller", "Dr Ó Briain"]
NURSE_NAMES = ["Zoë", "Chloë", "Renée", "José", "Siân", "Ffion", "Noël", "Anaïs"]
TEAMS = ["your specialist nurse", "the ward team", "your consultant", "the pharmacy team",
         "your GP", "the clinic nurse", "the physiotherapy team", "the dietitian"]
DRUGS = [("paracetamol", ["500 mg", "1 g"]), ("ibuprofen", ["200 mg", "400 mg"]),
         ("codeine", ["15 mg", "30 mg"]), ("omeprazole", ["20 mg", "40 mg"]),
         ("lactulose", ["10 mL", "15 mL"]), ("metformin", ["500 mg", "850 mg"]),
         ("ondansetron", ["4 mg", "8 mg"]), ("prednisolone", ["5 mg", "30 mg"]),
         ("folic acid", ["5 mg"]), ("senna", ["7.5 mg", "15 mg"]),
         ("oramorph", ["2.5 mL", "5 mL"]), ("furosemide", ["20 mg", "40 mg"])]
SYMPTOMS = ["tiredness", "a sore throat", "mild bruising", "feeling sick", "a headache",
            "loose stools", "a dry mouth", "pain around the wound", "swollen ankles",
            "a high temperature", "shortness of breath", "dizziness when you stand up",
            "itchy skin", "trouble sleeping", "a poor appetite", "blurred vision"]
URGENT = ["chest pain", "bleeding that does not stop", "a temperature of 38 °C or above",
          "severe tummy pain", "sudden swelling of your face or lips", "black or tarry stools",
          "new confusion", "difficulty breathing"]
FOODS = ["a café sandwich", "vegetable purée", "porridge with honey", "a jacket potato",
         "soup and a roll", "crème fraîche with fruit", "scrambled eggs on toast",
         "a small bowl of pasta", "yoghurt and banana"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TIMES = ["8am", "9am", "10.30am", "noon", "2pm", "4pm", "6pm", "8pm"]
OPENS = ["8am", "8.30am", "9am"]
PLACES = ["the main reception", "the outpatient entrance", "the day unit on level 2",
          "the café by the main entrance", "the hospital pharmacy", "the car park on Oak Road"]
SITES = [("NHS website", "https://www.nhs.uk/conditions/"),
         ("Macmillan Cancer Support", "https://www.macmillan.org.uk/"),
         ("Diabetes UK", "https://www.diabetes.org.uk/"),
         ("British Heart Foundation", "https://www.bhf.org.uk/"),
         ("Asthma + Lung UK", "https://www.asthmaandlung.org.uk/"),
         ("Versus Arthritis", "https://www.versusarthritis.org/"),
         ("Age UK", "https://www.ageuk.org.uk/"),
         ("Stroke Association", "https://www.stroke.org.uk/")]

# ---- sentence templates (by purpose) ------------------------------------

FIRST = "This leaflet explains what {subject} is and what it means for you."
INTRO = [
    "It is written for patients, but your family and carers may also find it useful.",
    "Please read it before your appointment and bring it with you, so that you can ask about anything that is not clear.",
    "Every person is different, and {team} will talk you through the parts that apply to you.",
    "Many people feel worried when they first hear about {subject}, and that is completely normal.",
    "If you need this information in another language or in large print, please ask {team}.",
    "We have tried to answer the questions people ask us most often, in plain language.",
    "You do not have to remember everything at once: keep this leaflet somewhere safe and come back to it when you need it.",
]
BODY = [
    "{Team} will check your details, ask about your general health and answer any questions you have.",
    "Most people go home on the same day, but some need to stay overnight so that we can keep an eye on them.",
    "It usually takes between {n1} and {n2} minutes, although you may be with us for most of the morning.",
    "You can eat and drink normally until {time} on the day before, unless {team} tells you otherwise.",
    "Please bring a list of all the medicines you take, including anything you buy from a pharmacy or a health food shop.",
    "If you take {drug}, carry on taking it as usual unless {staff} has told you to stop.",
    "Some people find it helpful to bring a friend or relative with them for support.",
    "You may feel {symptom} for a day or two afterwards; this is common and usually settles on its own.",
    "Take {drug} {dose} up to four times a day if you need it, leaving at least four hours between doses.",
    "Do not drive, drink alcohol or sign any important papers for 24 hours after sedation.",
    "We will give you a copy of your results, and a letter will be sent to your GP within {n1} days.",
    "Your next appointment will usually be on a {day}, about {n1} weeks after your treatment.",
    "If you cannot keep your appointment, please ring us on {phone} so that we can offer it to someone else.",
    "The clinic runs from {open} to 5pm, Monday to Friday, and is closed on bank holidays.",
    "When you arrive, please report to {place}, where a member of staff will meet you.",
    "You are welcome to have a drink or a light meal, such as {food}, once you feel ready.",
    "Gentle walking each day will help your recovery, but avoid heavy lifting for at least {n1} weeks.",
    "Try to keep a note of how you feel each day, as this helps {team} plan your care.",
    "People who are treatment-naïve, meaning they have not had this treatment before, are usually started on a low dose.",
    "Your specialist nurse, {nurse}, can visit you at home if you find it hard to get to the clinic.",
    "Drink plenty of fluids, about 8 glasses a day, unless you have been told to limit how much you drink.",
    "A small number of people have {symptom}, and we will tell you what to look out for.",
    "It is important to finish the whole course, even if you start to feel better after a few days.",
    "Keep your medicines in their original boxes, away from heat and out of the reach of children.",
    "If you have any questions before {date}, please call the {dept} on {phone}.",
    "The results are usually ready in {n1} to {n2} working days, and {staff} will explain what they mean.",
    "Bring your glasses, hearing aids and a dressing gown if you are staying with us overnight.",
    "We will ask you to sign a consent form to show that you understand the benefits and risks.",
    "You can change your mind at any time, and this will not affect the care you receive.",
    "Some people choose to talk things over with a counsellor, and we can arrange this for you.",
    "Feeling low or anxious while you are unwell is common, so please tell us if you are struggling.",
    "You may be offered a telephone appointment instead of coming to the clinic, if that suits you better.",
    "Wear a short-sleeved top so that we can take blood from your arm easily.",
    "If you need an interpreter, let us know at least {n1} days before your appointment and we will book one for you.",
    "Patients who receive certain benefits can claim back the cost of travel; ask at {place} for a form.",
    "Take your usual morning tablets with a sip of water, but do not take {drug} on the day.",
    "Children under 12 should not visit the ward, unless you have agreed this with the nurse in charge.",
    "A small plaster or dressing will cover the area; keep it clean and dry for {n1} days.",
    "You may have a follow-up call from {team} a week or so after you go home.",
    "If the pain is not controlled by {drug} {dose}, ring the ward for advice.",
    "We check your identity several times, so you will be asked your name and date of birth more than once.",
    "You can shower as normal after 48 hours, but please avoid baths and swimming until the wound has healed.",
    "It can take several weeks to feel like yourself again, and that is normal.",
    "Write down any questions as you think of them, and bring the list to your next appointment.",
    "Your appointment is with {staff}, who leads the {dept}.",
    "Most people need between {n1} and {n2} sessions, depending on how they respond.",
    "Please tell us if you are, or might be, pregnant, as this may change the plan.",
    "You should not need to take time off work, but a fit note is available if you do.",
    "Many people find that short, regular walks help with tiredness more than resting all day.",
    "If you have a pacemaker or any metal implant, please tell us before your appointment on {date}.",
    "Remove any jewellery and nail varnish before you come in, or bring a case to keep them safe.",
    "A healthy diet, regular exercise and not smoking will all help to keep you well.",
    "If you smoke, stopping is the single best thing you can do for your health, and free help is available.",
    "Your blood pressure, pulse and temperature will be checked regularly while you are with us.",
    "There is a quiet room next to {place} where you can wait if you prefer.",
    "Free Wi-Fi is available throughout the hospital, and there is a café on the ground floor.",
]
RISKS = [
    "As with any treatment, there are some risks, although serious problems are rare.",
    "About 1 in {n3} people get an infection, which can usually be treated with antibiotics.",
    "Bleeding is uncommon, but it is more likely if you take medicines that thin your blood.",
    "Very rarely, a reaction to the medicine can cause {symptom}, and the team is trained to deal with this quickly.",
    "{Staff} will talk to you about the risks that apply to you before you agree to go ahead.",
]
ALERT = [
    "Call {phone} straight away, day or night, if you have {urgent}.",
    "If you have {urgent} or {urgent2}, go to your nearest emergency department or call 999.",
    "Do not take more than {dose} of {drug} in 24 hours.",
    "Stop taking your tablets and ring the {dept} on {phone} if you develop {urgent}.",
]
FOOTNOTES = [
    "Based on national guidance from the National Institute for Health and Care Excellence (NICE), updated {date}.",
    "Figures from an audit of {n3} patients treated at Northfield between 2021 and 2024.",
    "Your dose may be different if you have kidney or liver problems; {team} will tell you.",
    "This service is run by volunteers and is free of charge; ask {nurse} at the desk for details.",
]
HEADINGS_H2 = [
    "About {subject}", "Before your appointment", "On the day", "What happens afterwards",
    "Possible side effects", "Risks and benefits", "Looking after yourself at home",
    "Your medicines", "Eating and drinking", "Getting back to normal",
    "Frequently asked questions", "Getting support", "Travelling to the hospital",
]
HEADINGS_H3 = [
    "If you feel unwell", "Driving", "Going back to work", "Washing and bathing",
    "Pain relief", "Follow-up appointments", "Help with travel costs", "Diet",
    "Exercise", "Sex and relationships", "For carers", "Parking",
]
LIST_ITEMS = [
    "a list of your current medicines and doses",
    "your appointment letter and this leaflet",
    "something to read or listen to while you wait",
    "loose, comfortable clothing",
    "a snack for the journey home, such as {food}",
    "the name and phone number of the person collecting you",
    "any equipment you use at home, such as a walking frame",
    "your blood glucose meter, if you have diabetes",
    "glasses, hearing aids or dentures, with their cases",
    "money for the car park or the café",
]
SUB_ITEMS = [
    "including inhalers, creams and eye drops",
    "written down, with the dose, for example {drug} {dose}",
    "or ask your pharmacist to print a list for you",
    "labelled with your name",
    "ask {team} if you are not sure",
]
STEPS = [
    "Wash your hands with soap and water before you start.",
    "Check the label: the name, the dose ({dose}) and the expiry date.",
    "Sit upright in a chair or on the edge of the bed.",
    "Take the medicine with a full glass of water.",
    "Write the date and time in your diary.",
    "Ring {phone} if you are not sure what to do.",
]


def starts_block(word):
    """A word that would start a list, heading, quote or rule at a line start."""
    return word[:1] in "-+*#>=|" or re.fullmatch(r"\d+[.)]", word) is not None


def wrap(text, width):
    """Source lines wrapped near `width` characters, like hand-written
    Markdown; never starting a line with something Markdown reads as a block."""
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width and not starts_block(word):
            out.append(line)
            line = word
        else:
            line = line + " " + word if line else word
    out.append(line)
    return "\n".join(out)


def cap(s):
    return s[0].upper() + s[1:]


class Topic:
    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.subject = rng.choice(SUBJECTS)
        self.footnotes = []
        self.used = set()

    def phone(self):
        return "0161 555 0%03d" % self.rng.randrange(100, 1000)

    def date(self):
        r = self.rng
        return "%d %s %d" % (r.randrange(1, 29), r.choice(MONTHS), r.choice([2025, 2026, 2027]))

    def fill(self, tpl):
        r = self.rng
        drug, doses = r.choice(DRUGS)
        urgent = r.sample(URGENT, 2)
        team = r.choice(TEAMS)
        staff = r.choice(STAFF)
        n1 = r.randrange(2, 10)
        values = {
            "subject": self.subject[1], "team": team, "Team": cap(team), "staff": staff, "Staff": staff,
            "drug": drug, "dose": r.choice(doses), "symptom": r.choice(SYMPTOMS),
            "urgent": urgent[0], "urgent2": urgent[1], "phone": self.phone(),
            "date": self.date(), "time": r.choice(TIMES), "day": r.choice(DAYS),
            "place": r.choice(PLACES), "food": r.choice(FOODS), "nurse": r.choice(NURSE_NAMES),
            "dept": self.subject[3], "open": r.choice(OPENS), "n1": n1, "n2": n1 + r.randrange(5, 40), "n3": r.choice([50, 100, 200, 500, 1000]),
        }
        return tpl.format(**values)

    def decorate(self, s):
        """Adds emphasis, a link or a footnote reference to some sentences."""
        r = self.rng
        roll = r.random()
        words = s.split(" ")
        if roll < 0.12 and len(words) > 6:
            i = r.randrange(0, len(words) - 3)
            k = r.randrange(1, 4)
            span = words[i:i + k]
            if all(w.isalpha() for w in span) and len(span[0]) > 3 and len(span[-1]) > 3:
                words[i] = "**" + words[i]
                words[i + k - 1] += "**"
        elif roll < 0.20 and len(words) > 6:
            i = r.randrange(0, len(words) - 2)
            if words[i].isalpha() and len(words[i]) > 4:
                words[i] = "*" + words[i] + "*"
        elif roll < 0.26:
            name, url = r.choice(SITES)
            return s + " More information is available from the [%s](%s)." % (name, url) \
                if name == "NHS website" else s + " %s has more information at [%s](%s)." % (name, url.split("//")[1].rstrip("/"), url)
        elif roll < 0.30 and len(self.footnotes) < 3:
            self.footnotes.append(self.fill(r.choice(FOOTNOTES)))
            return s[:-1] + "[^%d]" % len(self.footnotes) + s[-1]
        return " ".join(words)

    def paragraph(self, pool, lo=1, hi=6):
        r = self.rng
        n = r.randint(lo, hi)
        fresh = [t for t in pool if t not in self.used]
        if len(fresh) < n:
            fresh = list(pool)
        picked = r.sample(fresh, min(n, len(fresh)))
        self.used.update(picked)
        sentences = [self.decorate(self.fill(t)) for t in picked]
        # Source lines wrapped near 78 characters, like hand-written Markdown.
        return wrap(" ".join(sentences), 78)

    def bullet_list(self):
        r = self.rng
        items = r.sample(LIST_ITEMS, r.randint(3, 7))
        nested = r.randrange(len(items))  # at least one item has sub-items
        lines = []
        for i, it in enumerate(items):
            lines.append("- " + self.fill(it))
            if i == nested or r.random() < 0.25:
                for sub in r.sample(SUB_ITEMS, r.randint(1, 2)):
                    lines.append("  - " + self.fill(sub))
        return "\n".join(lines)

    def steps(self):
        r = self.rng
        n = r.randint(3, len(STEPS))
        return "\n".join("%d. %s" % (i + 1, self.fill(s)) for i, s in enumerate(STEPS[:n]))

    def table(self):
        r = self.rng
        kind = r.randrange(3)
        if kind == 0:
            rows = ["| Time | Medicine | Dose |", "|:-----|:---------|:-----|"]
            for t in sorted(r.sample(TIMES, r.randint(3, 5)), key=TIMES.index):
                drug, doses = r.choice(DRUGS)
                rows.append("| %s | %s | %s |" % (t, cap(drug), r.choice(doses)))
        elif kind == 1:
            rows = ["| Side effect | What to do |", "|:------------|:-----------|"]
            for s in r.sample(SYMPTOMS, r.randint(3, 6)):
                rows.append("| %s | %s |" % (cap(s), self.fill(r.choice([
                    "Rest, drink plenty of fluids and tell {team} at your next visit.",
                    "Take {drug} {dose} and call {phone} if it lasts more than {n1} days.",
                    "This usually settles within {n1} days.",
                    "Ring the {dept} on {phone}.",
                ]))))
        else:
            rows = ["| Service | Phone | Open |", "|:--------|:------|:-----|"]
            for dept in r.sample([s[3] for s in SUBJECTS], r.randint(3, 5)):
                rows.append("| %s | %s | %s to Friday, %s to 5pm |" % (dept, self.phone(), r.choice(DAYS[:2]), r.choice(TIMES[:3])))
        return "\n".join(rows)

    def alert(self):
        r = self.rng
        kind = r.choice(["WARNING", "IMPORTANT", "CAUTION", "NOTE", "TIP"])
        body = " ".join(self.fill(t) for t in r.sample(ALERT, r.randint(1, 2)))
        return "> [!%s]\n" % kind + "\n".join("> " + l for l in wrap(body, 76).split("\n"))

    def render(self):
        r = self.rng
        title, short, kind, dept, prefix = self.subject
        published = (2025 + r.randrange(2), r.randrange(1, 13), r.randrange(1, 29))
        fm = [
            "---",
            "title: \"%s\"" % title,
            "subtitle: %s" % r.choice(SUBTITLES),
            "id: %s-%04d" % (prefix, self.index + 1),
            "version: \"%d.%d\"" % (r.randrange(1, 4), r.randrange(0, 10)),
            "published: %04d-%02d-%02d" % published,
            "review: %04d-%02d-%02d" % (published[0] + 3, published[1], published[2]),
            "author: %s, Northfield NHS Foundation Trust" % dept,
            "lang: en-GB",
            "keywords: [%s, %s]" % (short.replace("'", ""), kind),
            "order: %d" % (self.index + 1),
            "contact: \"%s: %s, Monday to Friday, 9am to 5pm\"" % (dept, self.phone()),
            "---",
            "",
            "",
        ]
        blocks = [wrap(self.fill(FIRST) + " " + self.paragraph(INTRO, 1, 3).replace("\n", " "), 78)]
        if r.random() < 0.5:
            blocks.append(self.paragraph(INTRO, 1, 2))
        sections = r.sample(HEADINGS_H2, r.randint(3, 5))
        h3_pool = list(HEADINGS_H3)
        has_steps = False
        r.shuffle(h3_pool)
        # Which section gets the list, the table and the alert.
        roles = list(range(len(sections)))
        r.shuffle(roles)
        for si, h in enumerate(sections):
            blocks.append("## " + self.fill(h))
            for _ in range(r.randint(1, 2)):
                blocks.append(self.paragraph(BODY + (RISKS if "isk" in h or "side" in h else []), 1, 5))
            if si == roles[0]:
                blocks.append("Please bring:")
                blocks.append(self.bullet_list())
            if si == roles[1 % len(roles)]:
                blocks.append(self.table())
            if si == roles[2 % len(roles)]:
                blocks.append(self.alert())
            if r.random() < 0.25 and not has_steps:
                blocks.append(self.steps())
                has_steps = True
            if r.random() < 0.4 and h3_pool:
                for _ in range(r.randint(1, 2)):
                    if h3_pool:
                        blocks.append("### " + h3_pool.pop())
                        blocks.append(self.paragraph(BODY, 1, 4))
        blocks.append("## Contact us")
        contact = self.fill("If you have any questions, please call the {dept} on {phone}, "
                            "Monday to Friday, 9am to 5pm. Out of hours, call NHS 111. "
                            "Your specialist nurse is {nurse}.")
        if not self.footnotes:  # every topic has at least one footnote
            self.footnotes.append("Calls to NHS 111 are free from landlines and mobile phones.")
            contact = contact.replace("NHS 111.", "NHS 111.[^1]")
        blocks.append(wrap(contact, 78))
        for i, fn in enumerate(self.footnotes):
            blocks.append(wrap("[^%d]: %s" % (i + 1, fn), 78).replace("\n", "\n    "))
        return "\n".join(fm) + "\n\n".join(blocks) + "\n"


def slug(s):
    out = "".join(c.lower() if c.isalnum() else "-" for c in s)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit():
        sys.stderr.write("usage: gen_corpus.py N OUTDIR\n")
        return 2
    n, outdir = int(argv[1]), argv[2]
    os.makedirs(outdir, exist_ok=True)
    for i in range(n):
        # One generator per topic, seeded by its index: topic i is the same
        # whatever N is.
        t = Topic(random.Random(SEED * 1000 + i), i)
        path = os.path.join(outdir, "%04d-%s.md" % (i + 1, slug(t.subject[0])))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(t.render())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
