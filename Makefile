# The two commands of README.md, and a few helpers. Thin on purpose: the
# install list is scripts/deps.sh, the build is CMake, the tests are CTest.
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA_DIR ?= $(CURDIR)/var
LISTEN ?= 127.0.0.1:2083
JOBS ?= $(shell nproc)
# One test more than cores: most integration tests spend their time waiting
# on servers they started (MariaDB, ProFTPD, restic), not computing.
TEST_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))

.PHONY: deps build web run test test-unit asan bench fuzz format clean

deps:
	bash scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

# The web interface: exact dependencies from package-lock.json, then the
# production build into web/dist (served by the binary; docs/web.md).
web:
	cd web && npm ci --no-audit --no-fund && npm run build

run: build web
	bash scripts/run.sh $(BUILD)/wispanel $(DATA_DIR) $(LISTEN)

# Every test: the unit tests twice (Release, then ASan/UBSan) and the
# integration tests against the real binary.
test: build asan web
	ctest --test-dir $(BUILD) --output-on-failure -j $(TEST_JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(TEST_JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWSP_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests fuzz_targets

# libFuzzer (clang) over every fuzz target, FUZZ_SECONDS each (fuzz/run.sh).
fuzz: deps
	bash fuzz/run.sh

bench: build web
	bash bench/http.sh
	bash bench/web.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
