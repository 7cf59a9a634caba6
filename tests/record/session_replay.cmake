# `kafkasim run SESSION.sqlite` replays a visualizer session: the trace hash equals the live session's.
# Bad recordings exit 2 with one "kafkasim: error: ..." line.
# -DMAKE=make_session_recording -DKAFKASIM=kafkasim -DDIR=<scratch folder>
include(${CMAKE_CURRENT_LIST_DIR}/make_session.cmake)
execute_process(COMMAND ${KAFKASIM} run ${DIR}/session.sqlite RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "trace hash ${hash}")
  message(FATAL_ERROR "kafkasim run of the session exited ${rc}, expected trace hash ${hash}:\n${out}${err}")
endif()
execute_process(COMMAND ${KAFKASIM} run ${DIR}/session.sqlite --record ${DIR}/replayed.sqlite
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
execute_process(COMMAND ${KAFKASIM} run ${DIR}/replayed.sqlite RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_VARIABLE err2)
if(NOT rc EQUAL 0 OR NOT out MATCHES "trace hash ${hash}" OR NOT out2 MATCHES "trace hash ${hash}")
  message(FATAL_ERROR "a run recording of the replayed session does not replay the same:\n${out}${err}\n${out2}${err2}")
endif()

file(WRITE ${DIR}/notes.txt "not a recording\n")
execute_process(COMMAND ${KAFKASIM} run ${DIR}/notes.txt RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "^kafkasim: error: .*notes.txt: not a kafkasim recording")
  message(FATAL_ERROR "a file that is not a recording: exit ${rc}, stderr: ${err}")
endif()
execute_process(COMMAND ${MAKE} --bad-command ${DIR}/bad.sqlite RESULT_VARIABLE rc)
execute_process(COMMAND ${KAFKASIM} run ${DIR}/bad.sqlite RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "^kafkasim: error: .*bad.sqlite: command 7 \\(after event [0-9]+\\): cannot parse 'explode broker 2'")
  message(FATAL_ERROR "a recording with a bad command: exit ${rc}, stderr: ${err}")
endif()
