# The Xvfb smoke test: render a few frames of a visualizer binary headless, then fail on a blank image.
#   cmake -DGUI=<binary> -DCHECK=<png_check> -DOUT=<png> [-DARGS="..."] -P smoke.cmake
separate_arguments(EXTRA UNIX_COMMAND "${ARGS}")
execute_process(
  COMMAND xvfb-run -a -s "-screen 0 1600x1000x24" ${GUI} --frames 5 --screenshot ${OUT} ${EXTRA}
  RESULT_VARIABLE gui_result)
if(NOT gui_result EQUAL 0)
  message(FATAL_ERROR "${GUI} exited with ${gui_result}")
endif()
execute_process(COMMAND ${CHECK} ${OUT} 5 RESULT_VARIABLE check_result)
if(NOT check_result EQUAL 0)
  message(FATAL_ERROR "blank or unreadable frame: ${OUT}")
endif()
