# chars: count vowels and spaces of a 220000-character string with char_at.
# Stresses: indexing a string by code points, string equality.

s = "the quick brown fox jumps over the lazy dog " * 5000
vowels = 0
spaces = 0
i = 0
while i < len(s):
    c = s[i]
    if c == "a" or c == "e" or c == "i" or c == "o" or c == "u":
        vowels += 1
    elif c == " ":
        spaces += 1
    i += 1
print(vowels, spaces)
