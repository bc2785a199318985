# cmake -DEXE=prog -DARG=flag -DOUT=file -P run_to_file.cmake
# Runs EXE ARG with stdout into OUT; a failed run leaves no OUT behind.
execute_process(COMMAND ${EXE} ${ARG} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(REMOVE ${OUT}.tmp)
    message(FATAL_ERROR "${EXE} ${ARG} failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
