#!/usr/bin/env python3
"""Generate a benchmark image with one jar-heavy layer of about N_MB MB (Python stdlib only).

usage: gen_jars.py [N_MB] OUT        e.g. gen_jars.py 500 bench/out/jars      (N_MB defaults to 500)

Writes OUT.docker.tar (uncompressed docker-archive), OUT.oci/ (OCI layout, gzip layers, tag 1.0)
and OUT.expected: the number of Maven packages in the image (one line, the count of
META-INF/maven/*/*/pom.properties files, nested archives included), what a Java cataloguer that
reads pom.properties and descends into nested archives reports (Syft's java-archive-cataloger
does). Layer tars are streamed to disk with hand-made ustar headers (imgwrite), each jar is built
in memory on its own (at most a few MB), so memory stays constant whatever N_MB.

Content:
  layer 0  Debian-like /etc/os-release, /etc/debian_version, a one-package dpkg status
  layer 1  about N_MB MB of tar:
    /opt/apps/svc<k>/svc<k>-service-1.<k>.0.jar   N_MB/125 (at least 1) Spring Boot fat jars:
             BOOT-INF/classes/, BOOT-INF/lib/*.jar (24 nested jars, STORED as Spring Boot needs),
             org/springframework/boot/loader/, the app's own pom.properties
    /opt/tomcat/webapps/shop-web-2.<k>.1.war      one .war: WEB-INF/classes/, WEB-INF/lib/*.jar (30),
             WEB-INF/web.xml, its own pom.properties
    /opt/apps/app<k>/lib/<artifact>-<version>.jar 40 jars an app, apps added until the layer
             reaches N_MB MB (500 MB: 47 apps, 1861 archives, 1987 pom.properties)
Every jar is a real zip: META-INF/MANIFEST.MF, META-INF/maven/<group>/<artifact>/pom.properties
and pom.xml, class files of 1-16 KB (CAFEBABE header, half identifier text, half pseudo-random
bytes: they deflate to about 60%); sizes log-uniform in 50 KB-1 MB (nested: 50-400 KB); one jar
in three STORED, the rest DEFLATED. Coordinates are unique in the image (the owner's number is
part of every version), so no cataloguer merges two jars. Deterministic: the same N_MB gives the
same image. Idempotent: does nothing when all three outputs exist.
"""
import io
import math
import os
import random
import shutil
import sys
import zipfile

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import imgwrite as W  # noqa: E402

OS_RELEASE = b'''PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
'''
STATUS = b'''Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u11
Description: Debian base system miscellaneous files

'''
DATE = (2024, 11, 21, 10, 30, 0)  # every zip entry's timestamp: reproducible archives
JARS_PER_APP = 40
NESTED_BOOT = 24
NESTED_WAR = 30

# group, artifact: a realistic pool (more than JARS_PER_APP, so an app's jars are distinct)
POOL = [tuple(x.split(":")) for x in """
org.springframework:spring-core org.springframework:spring-beans org.springframework:spring-context
org.springframework:spring-aop org.springframework:spring-expression org.springframework:spring-web
org.springframework:spring-webmvc org.springframework:spring-jdbc org.springframework:spring-tx
com.fasterxml.jackson.core:jackson-databind com.fasterxml.jackson.core:jackson-core
com.fasterxml.jackson.core:jackson-annotations com.fasterxml.jackson.datatype:jackson-datatype-jsr310
org.apache.commons:commons-lang3 org.apache.commons:commons-text org.apache.commons:commons-compress
commons-io:commons-io commons-codec:commons-codec commons-logging:commons-logging
org.apache.httpcomponents:httpclient org.apache.httpcomponents:httpcore com.google.guava:guava
com.google.code.gson:gson com.google.protobuf:protobuf-java org.slf4j:slf4j-api
ch.qos.logback:logback-classic ch.qos.logback:logback-core org.apache.logging.log4j:log4j-api
org.apache.logging.log4j:log4j-core org.yaml:snakeyaml org.hibernate.orm:hibernate-core
org.hibernate.validator:hibernate-validator jakarta.persistence:jakarta.persistence-api
jakarta.validation:jakarta.validation-api jakarta.annotation:jakarta.annotation-api
org.postgresql:postgresql com.zaxxer:HikariCP io.netty:netty-buffer io.netty:netty-codec
io.netty:netty-common io.netty:netty-handler io.netty:netty-transport io.micrometer:micrometer-core
org.apache.tomcat.embed:tomcat-embed-core org.apache.tomcat.embed:tomcat-embed-el
org.apache.kafka:kafka-clients org.lz4:lz4-java org.xerial.snappy:snappy-java
com.github.ben-manes.caffeine:caffeine org.bouncycastle:bcprov-jdk18on joda-time:joda-time
org.jboss.logging:jboss-logging net.bytebuddy:byte-buddy org.antlr:antlr4-runtime
io.projectreactor:reactor-core org.reactivestreams:reactive-streams org.checkerframework:checker-qual
""".split()]

WORDS = ("Abstract Factory Bean Context Handler Service Impl Config Util Resolver Provider Adapter "
         "Default Request Response Stream Buffer Channel Codec Mapper Parser Serializer Registry "
         "Listener Event Support Template Converter Validator Builder Manager Loader Cache Pool "
         "Connection Session Transaction Proxy Invoker Method Field Annotation Type Value").split()


def ident_blob():
    """64 KB of constant-pool-like text (Java identifiers and descriptors): the compressible half."""
    rng = random.Random(7)
    out = bytearray()
    while len(out) < 65536:
        a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
        out += b"\x01\x00" + ("L%s/%s%s;(I)V%s%s" % (a.lower(), b, c, c, a)).encode()
    return bytes(out)


IDENT = ident_blob()


def class_bytes(rng, size):
    head = b"\xca\xfe\xba\xbe\x00\x00\x00\x3d"
    half = max(0, (size - len(head)) // 2)
    off = rng.randrange(0, len(IDENT) - half) if half < len(IDENT) else 0
    text = (IDENT[off:off + half] if half < len(IDENT) else (IDENT * (half // len(IDENT) + 1))[:half])
    return head + text + rng.randbytes(max(0, size - len(head) - half))


def log_uniform(rng, lo, hi):
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def zput(z, name, data, compress):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = compress
    zi.create_system = 3
    zi.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else (0o100644 << 16)
    z.writestr(zi, data)


def manifest(artifact, version, group, extra=()):
    lines = ["Manifest-Version: 1.0", "Created-By: Apache Maven 3.9.6", "Build-Jdk-Spec: 17",
             "Implementation-Title: " + artifact, "Implementation-Version: " + version,
             "Implementation-Vendor-Id: " + group, *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def maven_meta(z, group, artifact, version, compress, packaging="jar"):
    base = "META-INF/maven/%s/%s/" % (group, artifact)
    zput(z, "META-INF/maven/", b"", zipfile.ZIP_STORED)
    zput(z, "META-INF/maven/%s/" % group, b"", zipfile.ZIP_STORED)
    zput(z, base, b"", zipfile.ZIP_STORED)
    zput(z, base + "pom.properties", ("#Created by Apache Maven 3.9.6\nartifactId=%s\ngroupId=%s\nversion=%s\n"
                                      % (artifact, group, version)).encode(), compress)
    zput(z, base + "pom.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
                               '  <modelVersion>4.0.0</modelVersion>\n  <groupId>%s</groupId>\n  <artifactId>%s</artifactId>\n'
                               '  <version>%s</version>\n  <packaging>%s</packaging>\n</project>\n'
                               % (group, artifact, version, packaging)).encode(), compress)


def classes(z, rng, prefix, pkg, budget, compress):
    """Class files under prefix + pkg path until about budget bytes (uncompressed)."""
    done, i = 0, 0
    pdir = prefix + pkg.replace(".", "/") + "/"
    zput(z, pdir, b"", zipfile.ZIP_STORED)
    while done < budget:
        size = min(rng.randint(1024, 16384), max(256, budget - done))
        name = "%s%s%s%d.class" % (pdir, rng.choice(WORDS), rng.choice(WORDS), i)
        zput(z, name, class_bytes(rng, size), compress)
        done += size
        i += 1


def library_jar(rng, group, artifact, version, size, compress):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        zput(z, "META-INF/", b"", zipfile.ZIP_STORED)
        zput(z, "META-INF/MANIFEST.MF", manifest(artifact, version, group), compress)
        maven_meta(z, group, artifact, version, compress)
        classes(z, rng, "", group + "." + artifact.replace("-", "").replace(".", ""), size, compress)
    return buf.getvalue()


def version_of(a, owner):
    """Unique per (artifact, owner): the owner's number is the minor version."""
    return "%d.%d.%d" % (1 + a % 6, owner, a % 10)


def nested_container(rng, kind, owner, n_nested, group, artifact, version):
    """A Spring Boot fat jar (kind 'boot') or a war (kind 'war'); returns (bytes, pom count)."""
    lib, cls = ("BOOT-INF/lib/", "BOOT-INF/classes/") if kind == "boot" else ("WEB-INF/lib/", "WEB-INF/classes/")
    D = zipfile.ZIP_DEFLATED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        zput(z, "META-INF/", b"", zipfile.ZIP_STORED)
        extra = ()
        if kind == "boot":
            extra = ("Main-Class: org.springframework.boot.loader.launch.JarLauncher",
                     "Start-Class: com.example.svc%d.Application" % owner, "Spring-Boot-Version: 3.2.5",
                     "Spring-Boot-Classes: BOOT-INF/classes/", "Spring-Boot-Lib: BOOT-INF/lib/")
        zput(z, "META-INF/MANIFEST.MF", manifest(artifact, version, group, extra), D)
        maven_meta(z, group, artifact, version, D, "jar" if kind == "boot" else "war")
        if kind == "boot":
            zput(z, "org/", b"", zipfile.ZIP_STORED)
            classes(z, rng, "", "org.springframework.boot.loader.launch", 60000, D)
        else:
            zput(z, "WEB-INF/", b"", zipfile.ZIP_STORED)
            zput(z, "WEB-INF/web.xml", b'<?xml version="1.0"?>\n<web-app version="6.0"/>\n', D)
        zput(z, cls, b"", zipfile.ZIP_STORED)
        classes(z, rng, cls, "com.example.%s%d" % (kind, owner), 200000, D)
        zput(z, lib, b"", zipfile.ZIP_STORED)
        start = rng.randrange(len(POOL))
        for j in range(n_nested):
            a = (start + j) % len(POOL)
            g, art = POOL[a]
            v = version_of(a, owner)
            jar = library_jar(rng, g, art, v, log_uniform(rng, 50_000, 400_000),
                              zipfile.ZIP_STORED if j % 3 == 0 else D)
            # Spring Boot needs nested jars STORED; wars usually deflate them
            zput(z, "%s%s-%s.jar" % (lib, art, v), jar, zipfile.ZIP_STORED if kind == "boot" else D)
    return buf.getvalue(), 1 + n_nested


def write_jar_layer(path, n_mb):
    layer, sink = W.open_layer(path)
    t = W.FastTar(sink)
    rng = random.Random(n_mb * 7919 + 1)
    budget = n_mb * 1_000_000
    poms = 0
    njars = 0
    for d in ("opt", "opt/apps"):
        t.dir(d)
    # Spring Boot fat jars, owners 1000 + k
    for k in range(max(1, n_mb // 125)):
        owner = 1000 + k
        name = "svc%d-service" % k
        version = "1.%d.0" % k
        data, n = nested_container(rng, "boot", owner, NESTED_BOOT, "com.example.svc%d" % k, name, version)
        t.dir("opt/apps/svc%d" % k)
        t.file("opt/apps/svc%d/%s-%s.jar" % (k, name, version), data)
        poms += n
        njars += 1
    # one war, owner 2000
    for d in ("opt/tomcat", "opt/tomcat/webapps"):
        t.dir(d)
    data, n = nested_container(rng, "war", 2000, NESTED_WAR, "com.example.shop", "shop-web", "2.0.1")
    t.file("opt/tomcat/webapps/shop-web-2.0.1.war", data)
    poms += n
    njars += 1
    # plain application lib directories, owners 0..; until the layer holds n_mb MB
    k = 0
    while sink.n < budget:
        t.dir("opt/apps/app%03d" % k)
        t.dir("opt/apps/app%03d/lib" % k)
        start = (k * 7) % len(POOL)
        for j in range(JARS_PER_APP):
            if sink.n >= budget:
                break
            a = (start + j) % len(POOL)
            g, art = POOL[a]
            v = version_of(a, k)
            comp = zipfile.ZIP_STORED if (k + j) % 3 == 0 else zipfile.ZIP_DEFLATED
            jar = library_jar(rng, g, art, v, log_uniform(rng, 50_000, 1_000_000), comp)
            t.file("opt/apps/app%03d/lib/%s-%s.jar" % (k, art, v), jar)
            poms += 1
            njars += 1
        k += 1
    t.close()
    return W.finish_layer(layer, sink), poms, njars, k


def write_base_layer(path):
    layer, sink = W.open_layer(path)
    t = W.FastTar(sink)
    for d in ("etc", "var", "var/lib", "var/lib/dpkg"):
        t.dir(d)
    t.file("etc/os-release", OS_RELEASE)
    t.file("etc/debian_version", b"12.11\n")
    t.file("var/lib/dpkg/status", STATUS)
    t.close()
    return W.finish_layer(layer, sink)


def main():
    args = sys.argv[1:]
    if len(args) == 1:
        args = ["500"] + args
    if len(args) != 2:
        sys.exit(__doc__)
    n_mb, out = int(args[0]), args[1]
    docker, oci, expected = out + ".docker.tar", out + ".oci", out + ".expected"
    if os.path.exists(docker) and os.path.exists(oci) and os.path.exists(expected):
        W.log("exists:", docker, oci, expected)
        return
    work = out + ".layers"
    os.makedirs(work, exist_ok=True)
    base = write_base_layer(os.path.join(work, "0.tar"))
    jars, poms, njars, apps = write_jar_layer(os.path.join(work, "1.tar"), n_mb)
    layers = [base, jars]
    W.log("jar layer: %d top-level archives (%d apps), %d pom.properties, %.1f MB tar, %.1f MB gz" % (
        njars, apps, poms, jars.tar_size / 1e6, jars.gz_size / 1e6))
    hist = [{"created_by": "/bin/sh -c #(nop) ADD file:debian-12-slim-rootfs.tar in / "},
            {"created_by": "COPY opt /opt # buildkit"},
            {"created_by": 'CMD ["java", "-jar", "/opt/apps/svc0/svc0-service-1.0.0.jar"]', "empty_layer": True}]
    cfg = W.make_config(layers, {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                         "JAVA_HOME=/opt/java/openjdk"],
                                 "Cmd": ["java", "-jar", "/opt/apps/svc0/svc0-service-1.0.0.jar"]}, hist)
    W.write_docker_archive(layers, cfg, docker, "sekisho-bench/jars-%d:1.0" % n_mb)
    W.write_oci_dir(layers, cfg, oci, "1.0", move_blobs=True)
    with open(expected + ".part", "w") as f:
        f.write("%d\n" % poms)
    os.replace(expected + ".part", expected)
    shutil.rmtree(work)
    W.log("image %s: %d maven packages (%s), %.1f MB uncompressed, %.1f MB gzip" % (
        out, poms, expected, sum(l.tar_size for l in layers) / 1e6, sum(l.gz_size for l in layers) / 1e6))


if __name__ == "__main__":
    main()
