# kafkasim-gui opens a session recording, replays its commands, and --record saves them again: the
# re-saved session replays with `kafkasim run` to the live session's trace hash. A bad recording exits 2.
#   cmake -DGUI=kafkasim-gui -DMAKE=make_session_recording -DKAFKASIM=kafkasim -DDIR=<scratch> -P session_replay.cmake
include(${CMAKE_CURRENT_LIST_DIR}/../record/make_session.cmake)
file(REMOVE ${DIR}/resaved.sqlite)
execute_process(COMMAND xvfb-run -a -s "-screen 0 1280x720x24" ${GUI} ${DIR}/session.sqlite --width 1280 --height 720
                        --frames 3 --at 10 --record ${DIR}/resaved.sqlite
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${DIR}/resaved.sqlite)
  message(FATAL_ERROR "kafkasim-gui on the session exited ${rc}:\n${out}${err}")
endif()
execute_process(COMMAND ${KAFKASIM} run ${DIR}/resaved.sqlite RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "trace hash ${hash}")
  message(FATAL_ERROR "the session re-saved by kafkasim-gui does not replay to ${hash} (exit ${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${MAKE} --bad-command ${DIR}/bad.sqlite RESULT_VARIABLE rc)
execute_process(COMMAND xvfb-run -a -s "-screen 0 1280x720x24" ${GUI} ${DIR}/bad.sqlite --frames 1
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "kafkasim: error: .*bad.sqlite: command 7 \\(after event [0-9]+\\): cannot parse")
  message(FATAL_ERROR "a session recording with a bad command: exit ${rc}, stderr: ${err}")
endif()
