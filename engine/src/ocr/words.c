/* ocr/words.c — freeing what recognition returns (ocr/words.h). */
#include "ocr/words.h"

#include <stdlib.h>

void mc_ocr_words_free(mc_ocr_word *words, size_t n)
{
	if (!words)
		return;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < words[i].n_alts; j++)
			free(words[i].alts[j].text);
		free(words[i].alts);
		free(words[i].text);
	}
	free(words);
}
