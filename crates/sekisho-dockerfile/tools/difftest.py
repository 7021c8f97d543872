#!/usr/bin/env python3
# Differential test against hadolint beyond the corpus: mutates corpus files by inserting
# lines from difftest-pool.txt (and duplicating/removing instructions), lints them with
# hadolint and with sekisho, and prints (rule, line) disagreements on DL findings.
#
#   cargo build --release -p sekisho-dockerfile --example lint
#   python3 crates/sekisho-dockerfile/tools/difftest.py SEED [N]     (from the repo root)
#
# Needs .peers/bin/hadolint (../shared/peers/install.sh). Expected differences: DL3008 on
# `$VAR` package lists (deliberate) and RUN bodies in PowerShell that one of the two shell
# parsers rejects (DL3059/DL4001), and a RUN that ends the file with a continuation (hadolint
# hands ShellCheck the trailing backslash, which it rejects).
import glob,random,os,sys,json,collections,subprocess,shutil
seed=int(sys.argv[1]); N=int(sys.argv[2]) if len(sys.argv)>2 else 300
random.seed(seed)
ROOT=os.path.abspath(os.path.join(os.path.dirname(__file__),'../../..'))
d=f'/tmp/sekisho-difftest-{seed}'; shutil.rmtree(d,ignore_errors=True); os.makedirs(d)
files=sorted(glob.glob(os.path.join(ROOT,'../shared/data/dockerfiles/corpus/*.Dockerfile')))
pool=[l.rstrip('\n') for l in open(os.path.join(os.path.dirname(__file__),'difftest-pool.txt'))]
n=0
for f in random.sample(files, min(N,len(files))):
    try: lines=open(f,encoding='utf-8').read().split('\n')
    except: continue
    for k in range(random.randint(1,4)):
        idx=[i for i,l in enumerate(lines) if l[:1].isalpha() and (i==0 or not lines[i-1].rstrip().endswith(('\\','`')))]
        if not idx: break
        i=random.choice(idx); op=random.random()
        if op<0.5: lines.insert(i, random.choice(pool))
        elif op<0.7: lines.append(random.choice(pool))
        elif op<0.85:
            j=random.choice(idx); 
            if lines[j].startswith(('RUN','COPY','USER','WORKDIR','CMD','ENV','ARG','LABEL')): lines.insert(i, lines[j])
        else:
            if lines[i].startswith(('RUN','USER','WORKDIR','ENV','HEALTHCHECK','CMD')) and not lines[i].rstrip().endswith('\\'): del lines[i]
    n+=1
    open(f'{d}/{n:04d}.Dockerfile','w').write('\n'.join(lines))
files=sorted(glob.glob(f'{d}/*.Dockerfile'))
env=dict(os.environ, HOME=d)
h=json.loads(subprocess.run([os.path.join(ROOT,'.peers/bin/hadolint'),'--no-fail','-f','json']+files,capture_output=True,text=True,cwd=d,env=env).stdout)
o=json.loads(subprocess.run([os.path.join(ROOT,'target/release/examples/lint'),'--no-fail','-f','json']+files,capture_output=True,text=True,cwd=d).stdout)
bad={x['file'] for x in h if x['code']=='DL1000'}
H=collections.Counter((x['file'],x['code'],x['line']) for x in h if x['code'].startswith('DL') and x['file'] not in bad)
O=collections.Counter((x['file'],x['code'],x['line']) for x in o if x['code'].startswith('DL') and x['file'] not in bad)
tp=sum((H&O).values()); fp=sum((O-H).values()); fn=sum((H-O).values())
print('seed',seed,'hadolint DL1000',len(bad),'tp',tp,'fp',fp,'fn',fn)
ex=collections.defaultdict(list)
for k in (O-H): ex[('fp',k[1])].append(k)
for k in (H-O): ex[('fn',k[1])].append(k)
for key,v in sorted(ex.items()):
    print(key, len(v), v[:3])
