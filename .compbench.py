import time, spacy, sys
from pathlib import Path
from pipeline.reader import read_bytes
from pipeline import extract, series, classes, dates, entities, abbreviations
from pipeline.nlp import get_nlp
docs=[read_bytes(p.read_bytes(), p.name) for p in sorted(Path('raw').iterdir())]*40
nlp=get_nlp()
nlp0=spacy.blank('en')
def best(f, n=3):
    r=[]
    for _ in range(n):
        t=time.perf_counter(); f(); r.append(time.perf_counter()-t)
    return min(r)
a=best(lambda: list(nlp0.pipe([d.body for d in docs])))
print(f"tokenizer {a:.2f}")
times={}
parsed=[]
for d in docs:
    doc=nlp.make_doc(d.body)
    for name,proc in nlp.pipeline:
        t=time.perf_counter(); doc=proc(doc); times[name]=times.get(name,0)+time.perf_counter()-t
    parsed.append((d,doc))
def tm(name,f):
    t=time.perf_counter(); r=f(); times[name]=times.get(name,0)+time.perf_counter()-t; return r
for d,doc in parsed:
    ab=tm('abbreviation_records',lambda: abbreviations.abbreviation_records(doc))
    en=tm('entity_records',lambda: entities.entity_records(doc))
    da=tm('date_records',lambda: dates.date_records(doc,d))
    cl=tm('class_records',lambda: classes.class_records(doc,d))
    tm('series_record',lambda: series.series_record(doc,d,abbreviations=ab,entities=en,dates=da,classes=cl))
for k,v in times.items(): print(f"{k:22} {v:6.2f}s  {v/a:5.2f}x tokenizer")
b=best(lambda: [extract.extract_document(d) for d in docs])
print(f"full extract {b:.2f}s ratio a/b={a/b:.3f}")
