#!/usr/bin/env bash
# Builds a runnable Apicurio Registry 2.1.5.Final — a schema registry that speaks the Confluent-compatible REST API
# under /apis/ccompat/v6 — from Maven Central alone, for the tests of veil-avro's registry client.
#
# Central has no runnable Apicurio jar, only the Quarkus application jar; Quarkus's own bootstrap library turns it
# into a runner jar plus lib/ (the "augmentation" step a Quarkus build normally does).
#
# Usage: tools/schema-registry/build.sh [DIR]   (default: $VEIL_CACHE or ~/.cache/veil, then apicurio-2.1.5)
# Prints the runner jar's path. Does nothing when it is already built. Licences: Apicurio Registry, Quarkus, Ivy
# and everit-json-schema are Apache-2.0; H2 (its in-memory store) is MPL-2.0/EPL-1.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${VEIL_CACHE:-$HOME/.cache/veil}/apicurio-2.1.5}
central=https://repo.maven.apache.org/maven2
version=2.1.5.Final
quarkus=2.2.3.Final
runner=$out/registry/apicurio-registry-app-$version-runner.jar
if [ -f "$runner" ]; then
  echo "$runner"
  exit 0
fi
mkdir -p "$out"
cd "$out"
repo=$out/m2

# 1. Quarkus's bootstrap (and the few jars its POMs leave out), fetched with Apache Ivy: one jar, no dependencies.
[ -f ivy-2.5.3.jar ] || curl -sfO "$central/org/apache/ivy/ivy/2.5.3/ivy-2.5.3.jar"
cat > ivysettings.xml <<XML
<ivysettings><settings defaultResolver="central"/><caches defaultCacheDir="$out/ivycache"/>
<resolvers><ibiblio name="central" m2compatible="true" root="$central/"/></resolvers></ivysettings>
XML
cat > ivy.xml <<XML
<ivy-module version="2.0"><info organisation="dev.veil" module="registry-build"/>
<configurations><conf name="default"/></configurations><dependencies>
<dependency org="io.quarkus" name="quarkus-bootstrap-core" rev="$quarkus" conf="default->default"/>
<dependency org="io.quarkus" name="quarkus-bootstrap-maven-resolver" rev="$quarkus" conf="default->default"/>
<dependency org="org.eclipse.sisu" name="org.eclipse.sisu.plexus" rev="0.3.4" conf="default->default"/>
<dependency org="org.eclipse.sisu" name="org.eclipse.sisu.inject" rev="0.3.4" conf="default->default"/>
<dependency org="com.google.guava" name="guava" rev="25.1-android" conf="default->default"/>
<dependency org="org.codehaus.plexus" name="plexus-classworlds" rev="2.6.0" conf="default->default"/>
<dependency org="org.codehaus.plexus" name="plexus-interpolation" rev="1.25" conf="default->default"/>
</dependencies></ivy-module>
XML
java -jar ivy-2.5.3.jar -settings ivysettings.xml -ivy ivy.xml \
  -retrieve "bootlib/[artifact]-[revision](-[classifier]).[ext]" -types jar bundle eclipse-plugin maven-plugin \
  -warn > ivy.log 2>&1 || { echo "registry build: fetching Quarkus's bootstrap failed; see $out/ivy.log" >&2; exit 1; }

# 2. Apicurio 2.1.5 names everit-json-schema by its JitPack coordinate; Central has the same release as
#    com.github.erosb:everit-json-schema. Put it in the private repository under the name Apicurio asks for.
d=$repo/com/github/everit-org/json-schema/org.everit.json.schema/1.14.0
mkdir -p "$d"
curl -sf "$central/com/github/erosb/everit-json-schema/1.14.0/everit-json-schema-1.14.0.pom" \
  | sed -e 's#<groupId>com.github.erosb</groupId>#<groupId>com.github.everit-org.json-schema</groupId>#' \
        -e 's#<artifactId>everit-json-schema</artifactId>#<artifactId>org.everit.json.schema</artifactId>#' \
  > "$d/org.everit.json.schema-1.14.0.pom"
curl -sf -o "$d/org.everit.json.schema-1.14.0.jar" "$central/com/github/erosb/everit-json-schema/1.14.0/everit-json-schema-1.14.0.jar"

# 3. The application jar, augmented into a runner jar by Quarkus's bootstrap (Augment.java).
curl -sf -o app.jar "$central/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version.jar"
mkdir -p classes
javac -cp "bootlib/*" -d classes "$here/Augment.java"
java -cp "classes:bootlib/*" Augment io.apicurio apicurio-registry-app "$version" app.jar "$out/registry" "$repo" \
  > augment.log 2>&1 || { echo "registry build: augmentation failed; see $out/augment.log" >&2; exit 1; }
[ -f "$runner" ] || { echo "registry build: no runner jar; see $out/augment.log" >&2; exit 1; }
echo "$runner"
