# Included by session_replay.cmake here and in tests/gui: writes ${DIR}/session.sqlite with
# make_session_recording (${MAKE}) and sets `hash` to the live session's trace hash.
file(MAKE_DIRECTORY ${DIR})
execute_process(COMMAND ${MAKE} ${DIR}/session.sqlite RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "session trace hash ([0-9a-f]+)")
  message(FATAL_ERROR "make_session_recording failed (${rc}): ${out}${err}")
endif()
set(hash ${CMAKE_MATCH_1})
