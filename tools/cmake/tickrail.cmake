# Project-wide compile options and the helpers every layer uses:
#   tickrail_target_defaults(target)   warnings, sanitizers, include layout
#   tickrail_add_test(name SOURCES ... LABELS ... TIMEOUT n [LIBS ...] [ARGS ...] [NO_GTEST_MAIN])
#   tickrail_add_bench(name SOURCES ... [LIBS ...])

# Instruction set. simdjson's On-Demand API compiles for the target the
# compiler is told about: on baseline x86-64 that is its scalar "fallback"
# kernel. `auto` picks haswell (AVX2+BMI+PCLMUL, simdjson's fast kernel) or
# westmere (SSE4.2+PCLMUL) from the build machine's /proc/cpuinfo — tickrail
# is built where it runs (tools/run). Not -march=native: on AVX-512 hosts that
# emits instructions valgrind cannot run (the callgrind perf guard). Set
# TICKRAIL_ARCH=none for a portable binary, or any -march value.
set(TICKRAIL_ARCH "auto" CACHE STRING "auto, none, or a -march value (e.g. haswell)")
set(tickrail_march "")
if(TICKRAIL_ARCH STREQUAL "auto")
  if(EXISTS /proc/cpuinfo)
    file(READ /proc/cpuinfo tickrail_cpuinfo LIMIT 65536)
    if(tickrail_cpuinfo MATCHES " avx2" AND tickrail_cpuinfo MATCHES " bmi1" AND tickrail_cpuinfo MATCHES " bmi2"
       AND tickrail_cpuinfo MATCHES " pclmulqdq")
      set(tickrail_march haswell)
    elseif(tickrail_cpuinfo MATCHES " sse4_2" AND tickrail_cpuinfo MATCHES " pclmulqdq")
      set(tickrail_march westmere)
    endif()
  endif()
elseif(NOT TICKRAIL_ARCH STREQUAL "none")
  set(tickrail_march ${TICKRAIL_ARCH})
endif()
if(tickrail_march)
  message(STATUS "tickrail: -march=${tickrail_march}")
endif()

add_library(tickrail_options INTERFACE)
if(tickrail_march)
  target_compile_options(tickrail_options INTERFACE -march=${tickrail_march})
endif()
target_compile_options(tickrail_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  $<$<BOOL:${TICKRAIL_WERROR}>:-Werror>)
# Invariant checks (TR_DCHECK) stay on in debug and sanitizer builds.
if(TICKRAIL_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(tickrail_options INTERFACE TICKRAIL_DCHECK_ENABLED=1)
endif()
if(TICKRAIL_SANITIZE)
  target_compile_options(tickrail_options INTERFACE -fsanitize=${TICKRAIL_SANITIZE}
    -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(tickrail_options INTERFACE -fsanitize=${TICKRAIL_SANITIZE})
endif()
# Under the fuzz preset every target that takes these options — the core
# layers, adapters, strategies, venue, and the fuzz harnesses — carries
# libFuzzer's coverage instrumentation (edge guards, comparison tracing), so
# the fuzzer is guided by the code under test, not by the harness alone.
# fuzzer-no-link adds no main(): ordinary executables and tests built under
# the preset still link, the sanitizer runtime supplying the default
# coverage callbacks. Only the fuzz executables link libFuzzer itself
# (tickrail_add_fuzz).
if(TICKRAIL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TICKRAIL_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  target_compile_options(tickrail_options INTERFACE -fsanitize=fuzzer-no-link)
  target_link_options(tickrail_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Translation units that are mostly Boost.Beast/Asio templates take GCC more
# than 10 minutes (and 4+ GB) with -O2 and UBSan; with -O1 and ASan alone they
# build in about a minute and keep the memory-error checks. Applies to the
# listed sources of the calling directory in sanitizer builds only.
function(tickrail_heavy_template_sources)
  if(TICKRAIL_SANITIZE MATCHES "undefined")
    set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "-O1;-fno-sanitize=undefined")
  endif()
endfunction()

function(tickrail_target_defaults target)
  target_link_libraries(${target} PRIVATE tickrail_options)
endfunction()

set(TICKRAIL_TEST_LABELS unit integration stress fuzz recovery perf)

# One aggregate target per label, tests_<label>, building just the test
# executables carrying it: a sanitizer preset that runs one label builds only
# what that label needs (CMakePresets.json: tsan builds tests_stress, fuzz
# builds tests_fuzz).
function(tickrail_label_targets target)
  foreach(label IN LISTS ARGN)
    if(NOT TARGET tests_${label})
      add_custom_target(tests_${label})
    endif()
    add_dependencies(tests_${label} ${target})
  endforeach()
endfunction()

function(tickrail_add_test name)
  cmake_parse_arguments(T "NO_GTEST_MAIN" "TIMEOUT" "SOURCES;LABELS;LIBS;ARGS" ${ARGN})
  if(NOT T_SOURCES)
    message(FATAL_ERROR "tickrail_add_test(${name}): SOURCES is required")
  endif()
  if(NOT T_TIMEOUT)
    message(FATAL_ERROR "tickrail_add_test(${name}): every test needs a TIMEOUT")
  endif()
  if(NOT T_LABELS)
    message(FATAL_ERROR "tickrail_add_test(${name}): LABELS is required")
  endif()
  foreach(label IN LISTS T_LABELS)
    if(NOT label IN_LIST TICKRAIL_TEST_LABELS)
      message(FATAL_ERROR "tickrail_add_test(${name}): unknown label '${label}' (allowed: ${TICKRAIL_TEST_LABELS})")
    endif()
  endforeach()
  add_executable(${name} ${T_SOURCES})
  tickrail_target_defaults(${name})
  tickrail_label_targets(${name} ${T_LABELS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # support/...
  if(T_NO_GTEST_MAIN)
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest)
  else()
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  endif()
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "TICKRAIL_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

function(tickrail_add_bench name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${B_SOURCES})
  tickrail_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${B_LIBS} benchmark::benchmark)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})  # bench/common/...
  target_compile_definitions(${name} PRIVATE TICKRAIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endfunction()

# tickrail_add_fuzz(name SOURCES ... CORPUS dir [SEEDS file...] [DICT file] [LIBS ...] [TIMEOUT n] [SECONDS n])
# A fuzz target (LLVMFuzzerTestOneInput). Under the clang `fuzz` preset
# (TICKRAIL_FUZZ) it links libFuzzer and its ctest fuzzes for SECONDS
# (default 60), starting from the seed corpus folder plus SEEDS files (e.g.
# recorded data in ../shared, read in place), with the libFuzzer dictionary
# DICT; new inputs go to a scratch folder in the build tree, never into the
# source tree (tools/fuzz runs the same binaries longer and merges). Elsewhere
# it links tests/fuzz/replay_main.cpp and its ctest replays the corpus and
# seeds. Label: fuzz. TICKRAIL_SOURCE_DIR is defined for targets that load
# config. The fuzz_targets property of the tests_fuzz target lists every
# fuzz target with its corpus and dictionary for tools/fuzz (fuzz_targets.txt
# in the build folder).
function(tickrail_add_fuzz name)
  cmake_parse_arguments(F "" "CORPUS;TIMEOUT;SECONDS;DICT" "SOURCES;LIBS;SEEDS" ${ARGN})
  if(NOT F_SOURCES OR NOT F_CORPUS)
    message(FATAL_ERROR "tickrail_add_fuzz(${name}): SOURCES and CORPUS are required")
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 60)
  endif()
  if(NOT F_TIMEOUT)
    math(EXPR F_TIMEOUT "${F_SECONDS} + 120")
  endif()
  if(TICKRAIL_FUZZ)
    # The libraries are instrumented through tickrail_options
    # (fuzzer-no-link); the harness links libFuzzer's main.
    add_executable(${name} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(scratch "${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus")
    file(MAKE_DIRECTORY "${scratch}")
    set(seed_flag "")
    if(F_SEEDS)
      list(JOIN F_SEEDS "," seed_list)
      set(seed_flag "-seed_inputs=${seed_list}")
    endif()
    set(dict_flag "")
    if(F_DICT)
      set(dict_flag "-dict=${F_DICT}")
    endif()
    add_test(NAME ${name} COMMAND ${name} -max_total_time=${F_SECONDS} -timeout=10 -rss_limit_mb=2048
             -print_final_stats=1 ${dict_flag} ${seed_flag} "${scratch}" "${F_CORPUS}")
  else()
    add_executable(${name} ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    add_test(NAME ${name} COMMAND ${name} "${F_CORPUS}" ${F_SEEDS})
  endif()
  target_compile_definitions(${name} PRIVATE TICKRAIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # support/...
  tickrail_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  tickrail_label_targets(${name} fuzz)
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT ${F_TIMEOUT})
  # One line per target for tools/fuzz: name, binary, corpus, dictionary, seeds.
  list(JOIN F_SEEDS "," seed_list)
  set_property(GLOBAL APPEND PROPERTY tickrail_fuzz_targets
               "${name}|$<TARGET_FILE:${name}>|${F_CORPUS}|${F_DICT}|${seed_list}")
endfunction()

# Writes fuzz_targets.txt (see tickrail_add_fuzz) once every target is known.
function(tickrail_write_fuzz_targets)
  get_property(targets GLOBAL PROPERTY tickrail_fuzz_targets)
  list(JOIN targets "\n" content)
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/fuzz_targets.txt" CONTENT "${content}\n")
endfunction()
