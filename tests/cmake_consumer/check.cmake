# Installs a built certo into a fresh prefix, then configures, builds and runs a separate
# consumer project against that prefix only. Fails with FATAL_ERROR on the first problem.
#
#   cmake -DBUILD_DIR=<certo build dir> -DSOURCE_DIR=<this directory> -DWORK_DIR=<scratch dir>
#         [-DGENERATOR=<cmake generator>] [-DCONFIG=<build type>] [-DCXX_COMPILER=<path>]
#         -P check.cmake
#
# GENERATOR defaults to Ninja; CONFIG (the configuration to install, for multi-config builds) to
# RelWithDebInfo for the consumer.

cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_and_consume: pass -D${var}=...")
  endif()
endforeach()
if(NOT EXISTS "${BUILD_DIR}/CMakeCache.txt")
  message(FATAL_ERROR "install_and_consume: ${BUILD_DIR} is not a CMake build directory")
endif()
if(NOT EXISTS "${SOURCE_DIR}/CMakeLists.txt")
  message(FATAL_ERROR "install_and_consume: ${SOURCE_DIR} has no CMakeLists.txt")
endif()
if(NOT GENERATOR)
  set(GENERATOR Ninja)
endif()
set(build_type "${CONFIG}")
if(NOT build_type)
  set(build_type RelWithDebInfo)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a command; on failure stops with what it was doing, the command line and its output.
function(run what)
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE result
                  OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result STREQUAL "0")
    list(JOIN ARGN " " command_line)
    message(FATAL_ERROR "install_and_consume: ${what} failed (${result}).\n"
                        "Command: ${command_line}\n${output}")
  endif()
  set(run_output "${output}" PARENT_SCOPE)
endfunction()

# 1. Install.
set(install_args --install "${BUILD_DIR}" --prefix "${prefix}")
if(CONFIG)
  list(APPEND install_args --config "${CONFIG}")
endif()
run("installing ${BUILD_DIR} into ${prefix}" "${CMAKE_COMMAND}" ${install_args})

file(GLOB config_files "${prefix}/lib*/cmake/certo/certoConfig.cmake")
if(NOT config_files)
  message(FATAL_ERROR "install_and_consume: no lib*/cmake/certo/certoConfig.cmake under ${prefix}:\n"
                      "${run_output}")
endif()
list(GET config_files 0 config_file)
get_filename_component(package_dir "${config_file}" DIRECTORY)
foreach(file certoConfigVersion.cmake certoTargets.cmake)
  if(NOT EXISTS "${package_dir}/${file}")
    message(FATAL_ERROR "install_and_consume: ${package_dir}/${file} was not installed")
  endif()
endforeach()
foreach(header engine.h export.h options.h query.h record.h response.h status.h version.h)
  if(NOT EXISTS "${prefix}/include/certo/${header}")
    message(FATAL_ERROR "install_and_consume: ${prefix}/include/certo/${header} was not installed")
  endif()
endforeach()
file(STRINGS "${package_dir}/certoConfigVersion.cmake" version_line
     REGEX "^set\\(PACKAGE_VERSION \"[^\"]+\"\\)")
string(REGEX REPLACE "^set\\(PACKAGE_VERSION \"([^\"]+)\"\\).*" "\\1" version "${version_line}")
if(NOT version MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
  message(FATAL_ERROR "install_and_consume: cannot read PACKAGE_VERSION from "
                      "${package_dir}/certoConfigVersion.cmake (got '${version}')")
endif()

# 2. Configure the consumer against the prefix only (no package registry, no build tree).
set(configure_args
    -S "${SOURCE_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_BUILD_TYPE=${build_type}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
run("configuring the consumer (find_package(certo) from ${prefix})" "${CMAKE_COMMAND}"
    ${configure_args})
set(configure_output "${run_output}")

file(STRINGS "${consumer_build}/CMakeCache.txt" certo_dir_line REGEX "^certo_DIR:")
string(REGEX REPLACE "^certo_DIR:[A-Z]+=" "" certo_dir "${certo_dir_line}")
file(REAL_PATH "${package_dir}" real_package_dir)
if(EXISTS "${certo_dir}")
  file(REAL_PATH "${certo_dir}" certo_dir)
endif()
if(NOT certo_dir STREQUAL real_package_dir)
  message(FATAL_ERROR "install_and_consume: the consumer found certo in '${certo_dir}', not in "
                      "the fresh install '${real_package_dir}'\n${configure_output}")
endif()

# 3. Build it.
set(build_args --build "${consumer_build}")
if(CONFIG)
  list(APPEND build_args --config "${CONFIG}")
endif()
run("building the consumer" "${CMAKE_COMMAND}" ${build_args})

# 4. Run it and check what it prints.
set(app "")
foreach(candidate "${consumer_build}/app" "${consumer_build}/app.exe"
                  "${consumer_build}/${build_type}/app" "${consumer_build}/${build_type}/app.exe")
  if(NOT app AND EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
    set(app "${candidate}")
  endif()
endforeach()
if(NOT app)
  message(FATAL_ERROR "install_and_consume: the consumer built no executable 'app' in "
                      "${consumer_build}")
endif()
execute_process(COMMAND "${app}" RESULT_VARIABLE result OUTPUT_VARIABLE output
                ERROR_VARIABLE errors)
if(NOT result STREQUAL "0")
  message(FATAL_ERROR "install_and_consume: the consumer exited with ${result}\n"
                      "stdout:\n${output}\nstderr:\n${errors}")
endif()
set(expected
    "certo ${version}\n"
    "create: 00000000-0000-4000-8000-000000000001 Via C++\n"
    "request: 201 application/json 00000000-0000-4000-8000-000000000002 Via JSON\n"
    "view missing: not_found 404\n"
    "index: 2 Via C++ Via JSON\n")
string(CONCAT expected ${expected})
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "install_and_consume: the consumer printed\n${output}\nexpected\n${expected}")
endif()

# 5. The exported targets name every link dependency: an empty $<LINK_ONLY:> (a build-only
#    target linked privately) breaks consumers of newer CMake versions.
file(READ "${package_dir}/certoTargets.cmake" targets_text)
string(FIND "${targets_text}" "$<LINK_ONLY:>" empty_link_only)
if(NOT empty_link_only EQUAL -1)
  message(FATAL_ERROR "install_and_consume: ${package_dir}/certoTargets.cmake has an empty "
                      "$<LINK_ONLY:>")
endif()

# 6. The pkg-config file: the same consumer built with a plain compiler command line.
file(GLOB pc_files "${prefix}/lib*/pkgconfig/certo.pc")
if(NOT pc_files)
  message(FATAL_ERROR "install_and_consume: no lib*/pkgconfig/certo.pc under ${prefix}")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
find_program(PKG_CONFIG_EXECUTABLE pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
run("pkg-config --modversion certo" "${PKG_CONFIG_EXECUTABLE}" --modversion certo)
string(STRIP "${run_output}" pc_version)
if(NOT pc_version STREQUAL version)
  message(FATAL_ERROR "install_and_consume: certo.pc says version '${pc_version}', not ${version}")
endif()
run("pkg-config --cflags --libs certo" "${PKG_CONFIG_EXECUTABLE}" --cflags --libs certo)
string(STRIP "${run_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
set(pc_compiler "${CXX_COMPILER}")
if(NOT pc_compiler)
  set(pc_compiler c++)
endif()
run("building the consumer with pkg-config's flags" "${pc_compiler}" -std=c++20
    "${SOURCE_DIR}/main.cc" ${pc_flags} -o "${WORK_DIR}/app_pkgconfig")
execute_process(COMMAND "${WORK_DIR}/app_pkgconfig" RESULT_VARIABLE result
                OUTPUT_VARIABLE pc_output ERROR_VARIABLE errors)
if(NOT result STREQUAL "0" OR NOT pc_output STREQUAL expected)
  message(FATAL_ERROR "install_and_consume: the pkg-config build exited with ${result} and "
                      "printed\n${pc_output}\nexpected\n${expected}\n${errors}")
endif()

# 7. The installed CLI, when it was built, runs from the prefix.
if(EXISTS "${prefix}/bin/certo")
  execute_process(COMMAND "${prefix}/bin/certo" --version RESULT_VARIABLE result
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT result STREQUAL "0" OR NOT output STREQUAL "${version}\n")
    message(FATAL_ERROR "install_and_consume: '${prefix}/bin/certo --version' exited with "
                        "${result} and printed '${output}' (expected '${version}')\n${errors}")
  endif()
endif()

message(STATUS "install_and_consume: certo ${version} installed into ${prefix} and consumed OK")
