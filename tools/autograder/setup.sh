#!/usr/bin/env bash
# Gradescope's setup.sh for a beta86 autograder (tools/autograde.py package
# puts it at the zip's root). Gradescope runs it once, as root, when it
# builds the autograder's image (Ubuntu): it installs what the build and
# the grader need from the distribution's packages, with the same script
# a student's machine uses (tools/install-deps.sh, apt-get on Debian and
# Ubuntu), then builds the staff tree once. The staff tree is the
# zip's content, which Gradescope unpacks into $ROOT/source.
set -euo pipefail
root=${BETA86_AUTOGRADER_ROOT:-/autograder}
cd "$root/source"
PYTHON=/usr/bin/python3 bash tools/install-deps.sh
# Build the staff tree once, into the image: each grade copies it and
# compiles only the student's files (and a broken staff tree shows here,
# at upload, not in every student's result).
/usr/bin/python3 -I tools/autograde.py prebuild --staff "$root/source"
echo "beta86 autograder ready: lab $(/usr/bin/python3 -c 'import json; print(json.load(open("autograder.json"))["lab"])')"
