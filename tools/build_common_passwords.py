"""Build ``data/common_passwords.txt.gz``, the passwords a new account may not use.

The list is the 30,000 commonest passwords of the ``zxcvbn`` package's
frequency lists (ranked from leaked password sets) plus the Brazilian
favourites below, which those English-leaning lists rank low or miss. Every
entry is lowercased: the check is case-insensitive.

Run it from the repository's root after changing either source:

    .venv/bin/python tools/build_common_passwords.py

The output is sorted and gzipped without a timestamp, so that building twice
gives the same bytes and git shows no change.
"""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt.gz"

# Written by hand: Portuguese words for password and change, football clubs,
# faith, love and family, and the defaults administrators hand out and
# nobody changes. Shorter than eight characters is refused anyway; such
# entries stay so that "senha" is found where a reader looks for it.
BRAZILIAN_FAVOURITES = """
senha senha1 senha12 senha123 senha1234 senha12345 senha123456 senha@123
minhasenha minhasenha123 novasenha novasenha123 suasenha
mudar mudar123 mudar1234 mudar@123 mudarsenha trocar trocar123 trocarsenha
alterar alterar123 acesso acesso123 entrar entrar123 bemvindo bemvindo123
brasil brasil123 brasil2014 brasil2022 brasileiro brasileira
flamengo flamengo1 flamengo123 mengao mengao123 corinthians corinthians123
timao timao123 palmeiras palmeiras123 verdao saopaulo saopaulo123 spfc
vasco vasco123 vascodagama fluminense fluminense123 botafogo botafogo123
santos santos123 gremio gremio123 internacional inter123 cruzeiro cruzeiro123
atletico atletico123 galo123 bahia bahia123 vitoria sport123 fortaleza ceara
jesus jesus123 jesuscristo jesusteama jesuseamor deus deus123 deusefiel
deuseamor deusmeama deuseminhavida gloriaadeus aleluia
amor amor123 amorzinho meuamor meuamor123 teamo teamo123 euteamo amoreterno
paixao coracao felicidade saudade saudades princesa princesa123 gatinha
gatinho beleza familia familia123 mamae papai minhamae meufilho minhafilha
1234567890 0123456789 12345678 123456789 123123123 12341234 11223344 102030
10203040 1020304050 147258369 159753 15975346 123mudar 123senha abc12345
qwerty123 asdfghjk zxcvbnm1 abcd1234 a1b2c3d4 abc123abc
admin admin123 admin1234 administrador usuario usuario123 usuario1 teste
teste123 teste1234 suporte suporte123 atendimento sac sac123 sac12345
cliente cliente123 empresa empresa123 backsite backsite123 sistema sistema123
"""


def common_passwords() -> set[str]:
    """Return the lowercase, NFKC-normalised passwords of both sources."""
    passwords = FREQUENCY_LISTS["passwords"] + BRAZILIAN_FAVOURITES.split()
    return {unicodedata.normalize("NFKC", word).lower() for word in passwords}


def main() -> None:
    """Write the list, one password a line."""
    text = "".join(f"{word}\n" for word in sorted(common_passwords()))
    with (
        OUTPUT.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
    ):
        packed.write(text.encode("utf-8"))
    print(f"{OUTPUT}: {text.count(chr(10))} passwords")


if __name__ == "__main__":
    main()
