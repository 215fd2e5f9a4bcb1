# bitnet_add_model(<target> <model> [NAME <name>] [TARGET <triple>]
#                  [MCPU <cpu>] [OPT <0-3>] [OPTIONS <flag>...])
#
# Compiles <model> (.onnx, .onnxtext or .mlir; relative to the current source
# directory) with bitnet-compile at build time into <name>.o and <name>.h
# under ${CMAKE_CURRENT_BINARY_DIR}/bitnet_models/<target> (one directory per
# target, so that several targets may embed the same model), adds the object
# to <target>'s sources and that directory to its include path, and links
# BitnetMLIR::runtime and libm. The program includes "<name>.h" and calls
# bitnet_<name>_run() or bitnet_model_run(&bitnet_<name>_model, ...).
#
#   NAME     model name (default: the model file's stem made a C identifier)
#   TARGET   target triple for cross-compiling (default: the host); the
#            object must suit the toolchain that builds <target>
#   MCPU     target CPU (default: the host's for the host, else generic);
#            use MCPU generic for binaries that run on other machines
#   OPT      optimization level 0-3 (default 2)
#   OPTIONS  further bitnet-compile flags, e.g. --bitnet-strict
#
# Call it in the directory that creates <target>.
function(bitnet_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "NAME;TARGET;MCPU;OPT" "OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "bitnet_add_model: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "bitnet_add_model: '${target}' is not a target")
  endif()
  if(NOT TARGET BitnetMLIR::bitnet-compile)
    message(FATAL_ERROR "bitnet_add_model: BitnetMLIR::bitnet-compile is "
                        "missing: use find_package(BitnetMLIR)")
  endif()

  get_filename_component(model_path "${model}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARG_NAME)
    if(NOT ARG_NAME MATCHES "^[A-Za-z0-9_]+$")
      message(FATAL_ERROR "bitnet_add_model: NAME '${ARG_NAME}' is not made "
                          "of letters, digits and '_'")
    endif()
    set(name "${ARG_NAME}")
  else()
    get_filename_component(stem "${model_path}" NAME_WLE)
    string(REGEX REPLACE "[^A-Za-z0-9_]" "_" name "${stem}")
  endif()

  set(flags "--name=${name}")
  if(ARG_TARGET)
    list(APPEND flags "--target=${ARG_TARGET}")
  endif()
  if(ARG_MCPU)
    list(APPEND flags "--mcpu=${ARG_MCPU}")
  endif()
  if(DEFINED ARG_OPT)
    if(NOT ARG_OPT MATCHES "^[0-3]$")
      message(FATAL_ERROR "bitnet_add_model: OPT must be 0-3, got '${ARG_OPT}'")
    endif()
    list(APPEND flags "-O${ARG_OPT}")
  endif()
  list(APPEND flags ${ARG_OPTIONS})

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/bitnet_models/${target}")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${object}" "${header}"
    COMMAND BitnetMLIR::bitnet-compile "${model_path}" -o "${object}"
            "--header=${header}" ${flags}
    DEPENDS "${model_path}" "$<TARGET_FILE:BitnetMLIR::bitnet-compile>"
    COMMENT "Compiling BitNet model ${model} (${name})"
    VERBATIM
  )
  set_source_files_properties("${object}" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
  set_source_files_properties("${header}" PROPERTIES GENERATED TRUE)
  target_sources(${target} PRIVATE "${object}" "${header}")
  target_include_directories(${target} PRIVATE "${dir}")
  target_link_libraries(${target} PRIVATE BitnetMLIR::runtime m)
endfunction()
