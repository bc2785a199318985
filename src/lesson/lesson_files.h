/*
 * Files a lesson names (`text_file`): a lesson is a document someone may
 * download, so it reads only its own folder and rnnviz's shipped texts.
 * A relative name resolves against the lesson's folder, else against the
 * shipped texts (assets/text); absolute names, `..` that leaves the folder
 * and symlinks that point outside both are refused, unless the user gave
 * --allow-files. A FIFO or device is refused when the text is read
 * (engine/file_open.h), so a lesson never hangs.
 */
#ifndef RNNVIZ_LESSON_FILES_H
#define RNNVIZ_LESSON_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* --allow-files: any path, as written (relative to the lesson's folder). */
void lesson_files_allow(bool on);

/* Removes every --allow-files from argv (turning it on); the new argc. */
int lesson_files_take_flag(int argc, char **argv);

/* Whether key names a file setting (text_file, text-file). */
bool lesson_files_is_file_key(const char *key);

/* The path to use for value, a file named in the lesson at lesson_path:
 * 0 with out filled, or -1 with the reason in why. */
int lesson_files_resolve(const char *lesson_path, const char *value, char *out, size_t cap,
                         char *why, size_t why_cap);

#endif
