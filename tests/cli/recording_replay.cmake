# check-determinism and sweep given a recording: every seed replays the recorded commands; bad recordings
# exit 2 with one "kafkasim: error: FILE: ..." line.
# -DMAKE=make_cli_session -DKAFKASIM=kafkasim -DSRC=<tests/cli> -DDIR=<scratch folder>
file(MAKE_DIRECTORY ${DIR})
function(run_kafkasim)
  execute_process(COMMAND ${KAFKASIM} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(rc ${rc} PARENT_SCOPE)
  set(out "${out}${err}" PARENT_SCOPE)
endfunction()
function(expect what exit regex)
  if(NOT rc EQUAL exit OR NOT out MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected exit ${exit} and output matching '${regex}', got exit ${rc}:\n${out}")
  endif()
endfunction()

# A session of session.yaml (seed 4) that stops the producer at 2 s: produced >= 200 fails with it.
execute_process(COMMAND ${MAKE} ${SRC}/session.yaml ${DIR}/session.sqlite "2s=stop_producer checkout"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "session trace hash ([0-9a-f]+)")
  message(FATAL_ERROR "make_cli_session failed (${rc}): ${out}${err}")
endif()
set(hash ${CMAKE_MATCH_1})

run_kafkasim(check-determinism ${DIR}/session.sqlite --first-seed 4 --seeds 2)
expect("check-determinism of a session" 0 "visualizer session of 'a session for check-determinism and sweep' \\(recorded seed 4\\): its 1 command is replayed for every seed")
expect("check-determinism of a session replays its commands (the recorded seed gives the session's hash)" 0
       "seed 4: ${hash}  ok\nseed 5: [0-9a-f]+  ok\n2 seeds, 0 mismatches")

run_kafkasim(sweep ${DIR}/session.sqlite --seeds 4..5 --jobs 2)
expect("sweep of a session fails every seed (the commands stop the producer)" 1
       "FAIL seed 4: kafkasim run [^\n]*session.sqlite --seed 4\nFAIL seed 5: kafkasim run [^\n]*session.sqlite --seed 5\n2 seeds: 0 passed, 2 failed")
run_kafkasim(sweep ${SRC}/session.yaml --seeds 4..5 --jobs 2)
expect("sweep of the scenario alone passes" 0 "2 seeds: 2 passed, 0 failed")

# A run recording of the replayed session holds the commands too, and replays the same way.
run_kafkasim(run ${DIR}/session.sqlite --record ${DIR}/run.sqlite)
expect("kafkasim run of the session" 1 "trace hash ${hash}")
run_kafkasim(check-determinism ${DIR}/run.sqlite --first-seed 4 --seeds 1)
expect("check-determinism of a run recording" 0 "run recording of [^\n]*its 1 command is replayed[^\n]*\nseed 4: ${hash}  ok")

# --set applies to the recorded scenario.
run_kafkasim(sweep ${DIR}/session.sqlite --seeds 4..4 --set acks=2)
expect("sweep of a session with a bad --set" 2 "^kafkasim: error: --set 'acks=2': column 6: invalid value for acks")

# A session whose command does not parse.
execute_process(COMMAND ${MAKE} ${SRC}/session.yaml ${DIR}/bad.sqlite "2s=explode broker 2" OUTPUT_QUIET)
foreach(cmd check-determinism sweep)
  run_kafkasim(${cmd} ${DIR}/bad.sqlite)
  expect("${cmd} of a session with a bad command" 2
         "^kafkasim: error: [^\n]*bad.sqlite: command 1 \\(after event [0-9]+\\): cannot parse 'explode broker 2' \\(expected a command")
endforeach()

# An empty file is an SQLite database of no application: not a kafkasim recording.
file(WRITE ${DIR}/empty.sqlite "")
run_kafkasim(sweep ${DIR}/empty.sqlite --seeds 1..2)
expect("sweep of an SQLite file that is not a kafkasim recording" 2
       "^kafkasim: error: [^\n]*empty.sqlite: not a kafkasim recording \\(SQLite application_id is 0x0, expected 0x6b666b73\\); expected a scenario file")
