// SPDX-License-Identifier: Apache-2.0

/// Character tables used by ``TextFixer``: HTML entity names, Windows-1252's 0x80–0x9F row, and the NFKC forms of
/// halfwidth and fullwidth characters (Unicode data, generated once from the Unicode Character Database).
enum TextTables {
    /// Named HTML entities recognised by ``TextFixer``.
    ///
    /// The HTML 4 set, `apos`, and the upper-case spellings HTML5 accepts for the common ones, as `name=hex` pairs
    /// separated by spaces.
    private static let entityList = """
        quot=22 QUOT=22 amp=26 AMP=26 apos=27 lt=3c LT=3c gt=3e GT=3e nbsp=a0 iexcl=a1 cent=a2 pound=a3 curren=a4
        yen=a5 brvbar=a6 sect=a7 uml=a8 copy=a9 COPY=a9 ordf=aa laquo=ab not=ac shy=ad reg=ae REG=ae macr=af deg=b0
        plusmn=b1 sup2=b2 sup3=b3 acute=b4 micro=b5 para=b6 middot=b7 cedil=b8 sup1=b9 ordm=ba raquo=bb frac14=bc
        frac12=bd frac34=be iquest=bf Agrave=c0 Aacute=c1 Acirc=c2 Atilde=c3 Auml=c4 Aring=c5 AElig=c6 Ccedil=c7
        Egrave=c8 Eacute=c9 Ecirc=ca Euml=cb Igrave=cc Iacute=cd Icirc=ce Iuml=cf ETH=d0 Ntilde=d1 Ograve=d2
        Oacute=d3 Ocirc=d4 Otilde=d5 Ouml=d6 times=d7 Oslash=d8 Ugrave=d9 Uacute=da Ucirc=db Uuml=dc Yacute=dd
        THORN=de szlig=df agrave=e0 aacute=e1 acirc=e2 atilde=e3 auml=e4 aring=e5 aelig=e6 ccedil=e7 egrave=e8
        eacute=e9 ecirc=ea euml=eb igrave=ec iacute=ed icirc=ee iuml=ef eth=f0 ntilde=f1 ograve=f2 oacute=f3
        ocirc=f4 otilde=f5 ouml=f6 divide=f7 oslash=f8 ugrave=f9 uacute=fa ucirc=fb uuml=fc yacute=fd thorn=fe
        yuml=ff OElig=152 oelig=153 Scaron=160 scaron=161 Yuml=178 fnof=192 circ=2c6 tilde=2dc Alpha=391 Beta=392
        Gamma=393 Delta=394 Epsilon=395 Zeta=396 Eta=397 Theta=398 Iota=399 Kappa=39a Lambda=39b Mu=39c Nu=39d
        Xi=39e Omicron=39f Pi=3a0 Rho=3a1 Sigma=3a3 Tau=3a4 Upsilon=3a5 Phi=3a6 Chi=3a7 Psi=3a8 Omega=3a9 alpha=3b1
        beta=3b2 gamma=3b3 delta=3b4 epsilon=3b5 zeta=3b6 eta=3b7 theta=3b8 iota=3b9 kappa=3ba lambda=3bb mu=3bc
        nu=3bd xi=3be omicron=3bf pi=3c0 rho=3c1 sigmaf=3c2 sigma=3c3 tau=3c4 upsilon=3c5 phi=3c6 chi=3c7 psi=3c8
        omega=3c9 thetasym=3d1 upsih=3d2 piv=3d6 ensp=2002 emsp=2003 thinsp=2009 zwnj=200c zwj=200d lrm=200e
        rlm=200f ndash=2013 mdash=2014 lsquo=2018 rsquo=2019 sbquo=201a ldquo=201c rdquo=201d bdquo=201e dagger=2020
        Dagger=2021 bull=2022 hellip=2026 permil=2030 prime=2032 Prime=2033 lsaquo=2039 rsaquo=203a oline=203e
        frasl=2044 euro=20ac image=2111 weierp=2118 real=211c trade=2122 alefsym=2135 larr=2190 uarr=2191 rarr=2192
        darr=2193 harr=2194 crarr=21b5 lArr=21d0 uArr=21d1 rArr=21d2 dArr=21d3 hArr=21d4 forall=2200 part=2202
        exist=2203 empty=2205 nabla=2207 isin=2208 notin=2209 ni=220b prod=220f sum=2211 minus=2212 lowast=2217
        radic=221a prop=221d infin=221e ang=2220 and=2227 or=2228 cap=2229 cup=222a int=222b there4=2234 sim=223c
        cong=2245 asymp=2248 ne=2260 equiv=2261 le=2264 ge=2265 sub=2282 sup=2283 nsub=2284 sube=2286 supe=2287
        oplus=2295 otimes=2297 perp=22a5 sdot=22c5 lceil=2308 rceil=2309 lfloor=230a rfloor=230b lang=2329 rang=232a
        loz=25ca spades=2660 clubs=2663 hearts=2665 diams=2666
        """

    /// Entity name (without `&` and `;`) to scalar.
    static let htmlEntities: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        for pair in entityList.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = UInt32(parts[1], radix: 16), let scalar = Unicode.Scalar(value) {
                table[String(parts[0])] = scalar
            }
        }
        return table
    }()

    /// Windows-1252 decoding of bytes 0x80–0x9F; 0 where the code page leaves the byte undefined (the "sloppy"
    /// variant then keeps the C1 control character).
    static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039,
        0x152, 0, 0x17D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0, 0x17E, 0x178,
    ]

    /// The Windows-1252 byte of a scalar outside Latin-1, if it has one.
    static let windows1252Reverse: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        for (i, v) in windows1252High.enumerated() where v != 0 { table[v] = UInt8(0x80 + i) }
        return table
    }()

    /// NFKC of U+FF5F...U+FFEF where it is a single other scalar, else 0.
    ///
    /// U+FFE3 maps to two scalars and is handled separately; U+FF01...U+FF5E map to ASCII by subtracting 0xFEE0.
    static let halfwidthFullwidth: [UInt32] = [
        0x2985, 0x2986, 0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
        0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB,
        0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4,
        0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,
        0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC,
        0x30ED, 0x30EF, 0x30F3, 0x3099, 0x309A, 0x1160, 0x1100, 0x1101, 0x11AA, 0x1102, 0x11AC, 0x11AD,
        0x1103, 0x1104, 0x1105, 0x11B0, 0x11B1, 0x11B2, 0x11B3, 0x11B4, 0x11B5, 0x111A, 0x1106, 0x1107,
        0x1108, 0x1121, 0x1109, 0x110A, 0x110B, 0x110C, 0x110D, 0x110E, 0x110F, 0x1110, 0x1111, 0x1112,
        0, 0, 0, 0x1161, 0x1162, 0x1163, 0x1164, 0x1165, 0x1166, 0, 0, 0x1167,
        0x1168, 0x1169, 0x116A, 0x116B, 0x116C, 0, 0, 0x116D, 0x116E, 0x116F, 0x1170, 0x1171,
        0x1172, 0, 0, 0x1173, 0x1174, 0x1175, 0, 0, 0, 0xA2, 0xA3, 0xAC,
        0, 0xA6, 0xA5, 0x20A9, 0, 0x2502, 0x2190, 0x2191, 0x2192, 0x2193, 0x25A0, 0x25CB,
        0,
    ]
}
